"""decompose: break a Django monolith into services without a big-bang rewrite."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("decompose")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
