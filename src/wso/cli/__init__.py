"""The command-line door: thin Typer wrappers over the rooms' library functions."""
