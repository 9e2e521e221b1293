"""The tfevents byte format, and nothing else: TFRecord framing with masked CRC32C, protobuf
wire-format helpers, bulk decoding of event payloads, and the legacy -> modern summary
migration tables. Knows nothing of runs, files on disk or widgets."""
