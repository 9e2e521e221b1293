"""Pure, vectorised functions the views call: downsampling, smoothing, the graph model, the
hparams table and embedding projections. No state, no widgets."""
