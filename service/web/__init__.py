"""The program managers' web page, served at `/`."""
