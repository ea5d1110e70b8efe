"""The `umkm` command line: a thin layer that wires each package's commands together."""
