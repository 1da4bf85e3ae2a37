"""decompose_remote: how an extracted service reaches what stayed in the monolith.

Part of decompose-runtime, which every extracted service depends on (a pinned range).
The generated ``monolith`` package mirrors the monolith's module paths with the pieces defined
here, so moved code keeps its shape (``from monolith.catalog.models import Product``):

- ``models``: RemoteModel / RemoteQuerySet / RemoteObject / RemoteRelation — monolith rows,
  fetched over HTTP from the monolith's ``/_decompose/`` bridge, never read from its tables;
- ``functions``: remote_function — a monolith function called over HTTP;
- ``errors``: remote exceptions mirrored as local classes, and the 502/503 answers;
- ``serializers``: RemoteModelSerializer — the monolith's own DRF rendering of its rows;
- ``auth``: the monolith's RS256 access tokens verified statelessly (DRF and middleware);
- ``admin`` / ``apps``: the moved apps' Django admin for the monolith's staff (token users);
- ``schema``: OpenAPI generation that never asks the monolith for rows;
- ``registry`` / ``content_types``: Django's app registry and ContentType answering for remote
  models (installed in ``ready()``);
- ``client``: the HTTP client (timeouts, retries on idempotent calls only, service JWT);
- ``decompose_runtime.codec``: the JSON codec it shares with the monolith's bridge.
"""
