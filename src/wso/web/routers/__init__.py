"""One router per resource: public pages and their API, sign-in, the console and its API."""
