"""tests/wire shares tests/netns's fixtures and helpers (daemon_factory,
vtysh_json, wait_for, bgplab's Link): loaded here under a name of their own so
the two conftest.py files never shadow each other."""
import importlib.util
import os
import sys

_NETNS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "netns")
_spec = importlib.util.spec_from_file_location("netns_conftest", os.path.join(_NETNS, "conftest.py"))
_shared = importlib.util.module_from_spec(_spec)
sys.modules["netns_conftest"] = _shared
_spec.loader.exec_module(_shared)
if _NETNS not in sys.path:
    sys.path.append(_NETNS)          # bgplab

globals().update({k: v for k, v in vars(_shared).items() if not k.startswith("_")})
