"""Every configuration in doc/guide.md is one the daemon accepts.

The guide marks each complete ipip-bgpd configuration file with the fence
```ipip-bgpd.conf; this extracts every such block and runs `ipip-bgpd -C -f`
on it, so an example cannot drift from the grammar. Needs no root.
"""
import os
import re
import subprocess

import pytest

from conftest import BGPD

GUIDE = os.path.join(os.path.dirname(__file__), "..", "..", "doc", "guide.md")
FENCE = re.compile(r"^```ipip-bgpd\.conf\n(.*?)^```$", re.M | re.S)


def blocks():
    text = open(GUIDE).read()
    out = []
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        out.append(pytest.param(m.group(1), id=f"guide.md:{line}"))
    return out


def test_the_guide_has_config_blocks():
    # A renamed fence would otherwise make the check below pass vacuously.
    assert len(blocks()) >= 8


@pytest.mark.parametrize("conf", blocks())
def test_guide_config_is_accepted(conf, tmp_path):
    path = tmp_path / "ipip-bgpd.conf"
    path.write_text(conf)
    r = subprocess.run([BGPD, "-C", "-f", str(path)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, f"ipip-bgpd -C refused:\n{r.stdout}{r.stderr}\n--- config ---\n{conf}"
    assert "configuration OK" in r.stdout + r.stderr
