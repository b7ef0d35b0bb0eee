"""`make bench` lists every bench script and runs one by name; a wrong name is a clear error."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    return subprocess.run([sys.executable, "-m", "bench", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def test_the_list_names_every_bench_script():
    listed = run()
    assert listed.returncode == 0
    names = {line.split()[0] for line in listed.stdout.splitlines() if line.startswith("  ")}
    scripts = {p.stem for p in (ROOT / "bench").glob("*.py")} - {"__main__", "common", "tiles_tipg"}
    assert names == scripts


def test_a_bench_runs_by_name_with_its_arguments():
    helped = run("web_scale", "--help")  # the bench's own argparse answers, through the entry
    assert helped.returncode == 0 and "--appeals" in helped.stdout


def test_an_unknown_bench_is_named_in_the_error():
    wrong = run("nope")
    assert wrong.returncode == 2 and "no bench named 'nope'" in wrong.stderr
