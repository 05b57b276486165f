"""The command line CONTRACT (DESIGN.md): every subcommand answers --help, and a bad argument
prints one clear line to stderr (naming it) and exits 2."""
import subprocess

import pytest

from conftest import HEIME, ROOT

COMMANDS = ["serve", "demo", "audit", "version", "plan", "pumpsim"]


def run(*args):
    return subprocess.run([HEIME, *args], cwd=ROOT, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_subcommand_answers_help(cmd):
    r = run(cmd, "--help")
    assert r.returncode == 0 and r.stdout.strip(), (cmd, r.stderr)


@pytest.mark.parametrize("cmd", COMMANDS)
@pytest.mark.parametrize("args", [["--no-such-option"], ["--no-such-option", "1"]])
def test_an_unknown_option_is_one_line_naming_it(cmd, args):
    r = run(cmd, *args)
    assert r.returncode == 2, (cmd, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "--no-such-option" in lines[0], (cmd, r.stderr)


@pytest.mark.parametrize("args", [["plan", "--seed"], ["plan", "--date", "2026-11-25", "--org"],
                                  ["pumpsim", "--rate"]])
def test_an_option_without_its_value_says_so(args):
    r = run(*args)
    assert r.returncode == 2 and "needs a value" in r.stderr and r.stderr.count("\n") == 1, r.stderr


def test_an_unknown_command_is_refused():
    r = run("no-such-command")
    assert r.returncode == 2 and "no-such-command" in r.stderr
