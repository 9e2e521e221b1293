"""Reading logdirs: storage (local disk or fsspec), per-file resumable loaders, ingest into the
columnar per-run store, typed series, the live watcher thread, and the public ``Logdir``
with the plugin-specific assembly it serves (hparams sessions, custom-scalars layouts,
projector embeddings)."""
