"""The classroom end to end: ``dev.py classroom`` on 127.0.0.1 with two students. Each logs
in with the password on their slip and opens chapter 3's nbgitpuller link in Chromium; the
student edition is pulled from the classroom's git server into their home, and the chapter
runs to the end in JupyterLab with no error output and no console error. A student cannot
open the other's server, and nobody logs in with someone else's password. The link
generator builds the same links as nbgitpuller's page (``URLSearchParams`` in Chromium)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from book_paths import ROOT
from browser import RAN_ALL, is_citation_lint, launch, wait_until_serving

sys.path.insert(0, str(ROOT / "book" / "tools"))
import classroom  # noqa: E402

STUDENTS = ["alice", "bob"]


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """A running classroom: its address, folder and passwords."""
    folder = tmp_path_factory.mktemp("classroom")
    log = folder.parent / f"{folder.name}.log"  # a file, not a pipe: the students' servers and kernels inherit it
    port, git_port = classroom.free_port(), classroom.free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "book" / "tools" / "classroom.py"), "classroom",
             "--students", ",".join(STUDENTS), "--port", str(port), "--git-port", str(git_port), "--dir", str(folder)],
            stdout=out, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    wait_until_serving(url + "hub/api", process, log=log)
    yield url, folder, json.loads((folder / "passwords.json").read_text())
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal: the whole foreground group
    try:
        process.wait(timeout=90)  # classroom.stop: 30 s of grace, then 30 after SIGTERM
    except subprocess.TimeoutExpired:
        still = left_running(folder)
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail(f"the classroom did not stop within 90 s of Ctrl-C; running: {still}; "
                    f"its output ends:\n{log.read_text(errors='replace')[-6000:]}")
    assert process.returncode == 0, log.read_text(errors="replace")[-3000:]
    for _ in range(40):  # a kernel notices within a few seconds that its server has gone
        if not left_running(folder):
            break
        time.sleep(0.25)
    assert left_running(folder) == [], f"Ctrl-C left these running; output:\n{log.read_text(errors='replace')[-6000:]}"


def left_running(folder: Path) -> list[str]:
    """The command lines of processes that mention ``folder`` or run in it."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if str(folder) in command or os.readlink(proc / "cwd").startswith(str(folder)):
                found.append(command)
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def hub_browser():
    browser = launch()
    yield browser
    browser.close()


def log_in(browser, url: str, name: str, password: str):
    """A new browser session (its own cookies) logged in as ``name``; returns its page."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url + "hub/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("[type=submit]")
    page.wait_for_load_state()
    return page


def test_the_link_generator_builds_what_nbgitpullers_page_builds(hub_browser):
    """nbgitpuller's link page sets repo, branch and urlpath with URLSearchParams."""
    page = hub_browser.new_page()
    cases = [
        ("https://hub.example.org/", "https://github.com/me/cnnlab-student", "main", "notebooks/03_convolution.ipynb"),
        ("http://10.0.0.5:8000", "git://127.0.0.1:9418/cnnlab-student", "week 3", "notebooks/01_neurons.ipynb"),
        ("https://uni.example/jhub/", "https://git.example/a b/c~d.git", "feature/x&y", "notebooks/x+y=z.ipynb"),
    ]
    for hub, repo, branch, path in cases:
        folder = repo.rstrip("/").split("/")[-1]
        reference = page.evaluate(
            """([hub, repo, branch, urlpath]) => {
                const url = new URL(hub);
                url.searchParams.set('repo', repo);
                url.searchParams.set('branch', branch);
                url.searchParams.set('urlpath', urlpath);
                if (!url.pathname.endsWith('/')) url.pathname += '/';
                url.pathname += 'hub/user-redirect/git-pull';
                return url.toString();
            }""",
            [hub, repo, branch, f"lab/tree/{folder}/{path}"],
        )
        assert classroom.nbgitpuller_link(hub, repo, path, branch) == reference
    page.close()


def test_chapter_files_and_names_are_checked():
    assert classroom.chapter_file(3) == classroom.chapter_file("03_convolution") == "notebooks/03_convolution.ipynb"
    with pytest.raises(SystemExit, match="There is no chapter '42'; the chapters are 01_neurons"):
        classroom.chapter_file("42")
    assert classroom.read_students("Bob, alice,bob") == ["alice", "bob"]
    with pytest.raises(SystemExit, match="'ann smith', 'teacher'"):
        classroom.read_students("ann smith,teacher,carl")


def test_two_students_pull_and_run_chapter_3(hub, hub_browser):
    url, folder, passwords = hub
    assert set(passwords) == {"teacher", *STUDENTS}
    assert oct((folder / "passwords.json").stat().st_mode)[-3:] == "600"
    settings = json.loads((folder / "classroom.json").read_text())
    link = classroom.nbgitpuller_link(url, settings["repo"], "notebooks/03_convolution.ipynb")
    pages, console = {}, {}
    for name in STUDENTS:
        page = log_in(hub_browser, url, name, passwords[name])
        console[name] = []
        page.on("console", lambda m, n=name: m.type == "error" and console[n].append(m.text))
        page.on("pageerror", lambda e, n=name: console[n].append(f"{e}\n{e.stack}"))
        page.goto(link)
        pages[name] = page
    for name, page in pages.items():  # nbgitpuller pulls, then opens the chapter in JupyterLab
        page.wait_for_url("**/lab/tree/cnnlab-student/notebooks/03_convolution.ipynb*", timeout=90_000)
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
        assert (folder / "homes" / name / "cnnlab-student" / "notebooks" / "03_convolution.ipynb").exists()
    for page in pages.values():
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    for name, page in pages.items():
        page.wait_for_function(RAN_ALL, timeout=120_000)
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        assert errors.count() == 0, errors.first.inner_text()
        assert page.locator(".jp-Notification-Toast, .Toastify__toast").count() == 0, "a pop-up covers the notebook"
        form = page.locator(".cnnlab-ex[data-ready]").first  # the exercises check in the page
        form.locator("input[type=text]").fill("-1")
        form.locator("button[data-action=check]").click()
        assert form.locator(".cnnlab-ex-verdict").inner_text() == "Correct."
    for name in STUDENTS:
        lines = {line for m in console[name] for line in m.splitlines() if not is_citation_lint(line)}
        assert not lines, f"console errors for {name}:\n" + "\n".join(sorted(lines))

    # alice cannot reach bob's running server, in the browser or through its API
    alice = pages["alice"]
    response = alice.goto(url + "user/bob/lab")
    assert response.status == 403 and "cnnlab-student" not in alice.content()
    api = alice.request.get(url + "user/bob/api/contents/cnnlab-student/notebooks")
    assert api.status == 403 and "03_convolution" not in api.text()
    for page in pages.values():
        page.context.close()


def test_passwords_are_personal(hub, hub_browser):
    url, _, passwords = hub
    page = log_in(hub_browser, url, "alice", passwords["bob"])
    assert "Invalid username or password" in page.content()
    page.context.close()
    page = log_in(hub_browser, url, "mallory", passwords["bob"])
    assert "Invalid username or password" in page.content()
    page.context.close()
