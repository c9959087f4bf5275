"""The package installs with pip (offline, from a copy of clients/python) and imports
without the source tree: stubs inside dynamind_env, nothing on sys.path, no top-level
``dynamind`` module. Needs pip and setuptools for the interpreter (Debian: python3-pip,
python3-setuptools, python3-wheel); no server.

    cd clients/python && /usr/bin/python3 -m unittest discover -s tests -p test_package.py -v
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Looked up, not imported: importing setuptools here would clash with pip's distutils.
# wheel: setuptools < 70 builds wheels with it.
_MISSING = [name for name in ("pip", "setuptools", "wheel") if importlib.util.find_spec(name) is None]
NO_PIP = (
    f"{', '.join(_MISSING)} missing, needed to install the package: apt-get install python3-pip python3-setuptools python3-wheel"
    if _MISSING
    else ""
)


@unittest.skipIf(NO_PIP, NO_PIP)
class PackageInstallTest(unittest.TestCase):
    """``pip install`` of clients/python (a copy, so the source tree stays clean), offline."""

    def test_pip_install_then_import_without_the_source_tree(self):
        with tempfile.TemporaryDirectory(prefix="dynamind-pip-") as tmp:
            src = os.path.join(tmp, "src")
            shutil.copytree(PACKAGE_ROOT, src, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info", "tests"))
            target = os.path.join(tmp, "site")
            pip = subprocess.run(
                [sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-deps", "--no-index",
                 "--disable-pip-version-check", "--target", target, src],
                capture_output=True, text=True, cwd=tmp,
            )
            self.assertEqual(pip.returncode, 0, pip.stdout + pip.stderr)
            probe = (
                "import sys, dynamind_env\n"
                "from dynamind_env import EnvClient, pb, pb_grpc, types_pb\n"
                "from dynamind_env.aio import AsyncEnvClient\n"
                "assert dynamind_env.__file__.startswith(sys.argv[1]), dynamind_env.__file__\n"
                "assert 'dynamind' not in sys.modules, 'a top-level dynamind package was imported'\n"
                "assert not any(p.endswith('_gen') or p.endswith('_proto') for p in sys.path), sys.path\n"
                "assert pb.ResetRequest.DESCRIPTOR.full_name == 'dynamind.env.v1.ResetRequest'\n"
                "import os; assert os.path.exists(os.path.join(os.path.dirname(types_pb.__file__), 'types_pb2.pyi'))\n"
                "try:\n    import gymnasium as gym\nexcept ImportError:\n    print('installed; gymnasium absent')\n"
                "else:\n    assert 'dynamind/Sokoban-v0' in gym.registry\n    print('installed; gym ids registered')\n"
            )
            env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
            env["PYTHONPATH"] = target
            run = subprocess.run([sys.executable, "-c", probe, target], capture_output=True, text=True, cwd=tmp, env=env)
            self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
            self.assertIn("installed", run.stdout)


if __name__ == "__main__":
    unittest.main()
