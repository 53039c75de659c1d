"""The archive stage: build folder names, manifest and index, the atomic move into place, PDF conversion."""
