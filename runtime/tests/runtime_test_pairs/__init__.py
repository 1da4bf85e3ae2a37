"""A moved model whose many-to-many to ``auth.User`` (the monolith's here) is kept as pairs."""
