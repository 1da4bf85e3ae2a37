"""decompose_bridge: what the monolith lends its extracted services, and nothing more.

Part of decompose-runtime; ``monolith.patch`` installs it (INSTALLED_APPS, URLs at
``_decompose/``) and generates the one per-monolith piece, the allowlist module (``allowlist.py``
says where it is read from). Every service call must speak ``decompose_runtime.protocol``.

- ``GET /_decompose/token``: the caller's own monolith credentials in, a short-lived RS256 access
  token for the services out (``X-Decompose-Token``), for a gateway's ``auth_request``;
  ``/_decompose/token/<path>`` answers Envoy's HTTP ext_authz check (Istio, Envoy Gateway), any
  method, with ``Authorization: Bearer`` too; issued tokens are reused per credential hash
  until a logout, a user save or a deleted API token (``exchange_cache``);
- ``GET /_decompose/objects/<app>/<Model>/`` and ``POST /_decompose/rpc``: the rows, queries,
  functions and methods listed in the allowlist, for services that prove who they are with a
  JWT signed by their own private key (public keys in ``DECOMPOSE_SERVICE_PUBLIC_KEYS``).
"""
