"""The embedded runtime: real servers from wheels, for `make run` and `make test`."""
