"""decompose: break a Django monolith into services without a big-bang rewrite.

The version is the installed distribution's (``decompose --version`` reads it when asked):
importing ``importlib.metadata`` here cost every run of every command 20 ms.
"""
