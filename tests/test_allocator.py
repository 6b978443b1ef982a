"""The review's process shares two malloc arenas between its threads (`formcheck.allocator`): the
memory it saves is measured by benchmarks/bench_analyze.py; here, that it is set where it can be."""
import platform
import subprocess
import sys

import pytest


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_the_arena_limit_is_set_once():
    code = ("from formcheck.allocator import fewer_arenas\n"
            "import formcheck.allocator as a\n"
            "assert not a._set\n"
            "assert fewer_arenas() and fewer_arenas() and a._set\n")
    subprocess.run([sys.executable, "-c", code], check=True)
