// Placeholder: the board work replaces this with the shared renderer library.
export default { initialize() {} };
