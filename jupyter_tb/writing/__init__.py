"""Writing tfevents: summary protos from values, the queued event-file writer (local or object
storage), ``SummaryWriter`` and what it writes beside events (projector files, torch graphs)."""
