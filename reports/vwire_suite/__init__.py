"""vwire-suite: runs many vwire scripts, writes reports, gates CI on a baseline."""
import pathlib

PACKAGE_DIR = pathlib.Path(__file__).resolve().parent
REPORTS_DIR = PACKAGE_DIR.parent
REPO_ROOT = REPORTS_DIR.parent
