"""decompose-runtime: what extracted services and the monolith import at run time.

One distribution, three packages: ``decompose_remote`` (the service side: remote models, client,
auth, admin, shadow guard), ``decompose_bridge`` (the monolith's Django app the services call) and
``decompose_runtime`` (what both ends share: the codec, the protocol, the names the extractor's
codemods write). Versioned with decompose; services pin a compatible range of it.
"""

# Kept equal to decompose's version (tests/decompose checks it): an extractor writes services
# that pin the runtime it ships with.
__version__ = "0.1.0"
