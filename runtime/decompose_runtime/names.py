"""The runtime's names that decompose writes into generated code.

The extractor's codemods import these instead of spelling ``"decompose_remote.models"`` as text,
so a rename here is a rename there, and runtime/tests/test_names.py imports every one of them:
a name written into a service always exists in the runtime it pins. Importing the runtime's
modules themselves would need configured Django settings, which the extractor never has.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuntimeName:
    """``from <module> import <name>`` in generated code."""

    module: str
    name: str

    @property
    def dotted(self) -> str:
        """The name as Django settings spell it (``"pkg.module.Class"``)."""
        return f"{self.module}.{self.name}"


REMOTE_RELATION = RuntimeName("decompose_remote.models", "RemoteRelation")
REMOTE_REVERSE = RuntimeName("decompose_remote.models", "RemoteReverse")
REMOTE_GENERIC_RELATION = RuntimeName("decompose_remote.models", "RemoteGenericRelation")
REMOTE_OBJECT = RuntimeName("decompose_remote.models", "RemoteObject")
REMOTE_MANY_TO_MANY = RuntimeName("decompose_remote.many", "RemoteManyToMany")
PK_OF = RuntimeName("decompose_remote.models", "pk_of")
PKS_OF = RuntimeName("decompose_remote.models", "pks_of")
PKS_WHERE = RuntimeName("decompose_remote.models", "pks_where")
ORDERED_WHERE = RuntimeName("decompose_remote.models", "ordered_where")
MODEL_GETTER = RuntimeName("decompose_remote.models", "model_getter")
ADD_TO_CLASS = RuntimeName("decompose_remote.models", "add_to_class")
REMOTE_MODEL_SERIALIZER = RuntimeName("decompose_remote.serializers", "RemoteModelSerializer")
ID_COLUMN_MODEL_SERIALIZER = RuntimeName("decompose_remote.serializers",
                                         "IdColumnModelSerializer")
ID_COLUMN_PRIMARY_KEY_FIELD = RuntimeName("decompose_remote.serializers",
                                          "IdColumnPrimaryKeyField")
FORK_ID_COLUMN_KEY = RuntimeName("decompose_remote.drf_fork", "id_column_key")
COMPENSATE_ON_ERROR = RuntimeName("decompose_remote.transactions", "compensate_on_error")
REMOTE_AWARE_FILTER_BACKEND = RuntimeName("decompose_remote.filters", "RemoteAwareFilterBackend")
REMOTE_MODEL_FORM = RuntimeName("decompose_remote.forms", "RemoteModelForm")
FORK_EXCEPTION_HANDLER = RuntimeName("decompose_remote.drf_fork", "exception_handler")

ALL = (REMOTE_RELATION, REMOTE_REVERSE, REMOTE_GENERIC_RELATION, REMOTE_OBJECT,
       REMOTE_MANY_TO_MANY, PK_OF, PKS_OF, PKS_WHERE, ORDERED_WHERE, MODEL_GETTER, ADD_TO_CLASS,
       REMOTE_MODEL_SERIALIZER, ID_COLUMN_MODEL_SERIALIZER, ID_COLUMN_PRIMARY_KEY_FIELD,
       FORK_ID_COLUMN_KEY,
       COMPENSATE_ON_ERROR, REMOTE_AWARE_FILTER_BACKEND, FORK_EXCEPTION_HANDLER,
       REMOTE_MODEL_FORM)

# The module decompose generates at the monolith's root for the bridge app to read (the setting
# DECOMPOSE_BRIDGE_ALLOWLIST may name another).
BRIDGE_ALLOWLIST_MODULE = "decompose_allowlist"

# The events app both sides install when signals are forwarded, and the data module decompose
# generates at each side's root listing them (the setting DECOMPOSE_EVENTS_FORWARDING may name
# another).
EVENTS_APP = "decompose_runtime.events"
EVENTS_FORWARDING_MODULE = "decompose_events_forwarding"
