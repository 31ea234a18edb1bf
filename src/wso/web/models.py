"""Where the accounts' tables used to be declared: kept as a name for code written against it; they are the room
`wso.accounts`'s now."""

from wso.accounts import WebAction, WebApiToken, WebUser

__all__ = ["WebAction", "WebApiToken", "WebUser"]
