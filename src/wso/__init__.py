"""wso: the public record of the U.S. 287(g) program, and a custody ledger for its Warrant Service Officer model."""

__version__ = "0.1.0"
