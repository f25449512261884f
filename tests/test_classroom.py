"""The classroom end to end: ``dev.py classroom`` on 127.0.0.1 with two students. Each logs
in with the password on their slip and opens chapter 3's nbgitpuller link in Chromium; the
student edition is pulled from the classroom's git server into their home, and the chapter
runs to the end in JupyterLab with no error output and no console error. A student cannot
open the other's server, and nobody logs in with someone else's password. The link
generator builds the same links as nbgitpuller's page (``URLSearchParams`` in Chromium).

Under attack and under a service manager: a burst of wrong passwords is throttled (per name
and per client address) while the real student still logs in; Ctrl-C, SIGTERM and SIGHUP
each stop everything; an idle server is culled; the git server takes a free port."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from book_paths import ROOT
from browser import RAN_ALL, launch, wait_until_serving

sys.path.insert(0, str(ROOT / "book" / "tools"))
import classroom  # noqa: E402

STUDENTS = ["alice", "bob"]
LOCKOUT = 2  # seconds; the teacher's default is 60


def start_classroom(folder: Path, *args: str) -> tuple[subprocess.Popen, str, Path]:
    """``classroom.py classroom`` for alice and bob in ``folder``, once it serves: the process
    (its own process group, as a terminal's foreground job), the hub's address, its log."""
    log = folder.parent / f"{folder.name}.log"  # a file, not a pipe: the students' servers and kernels inherit it
    port = classroom.free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "book" / "tools" / "classroom.py"), "classroom",
             "--students", ",".join(STUDENTS), "--port", str(port), "--dir", str(folder), *args],
            stdout=out, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    wait_until_serving(url + "hub/api", process, log=log)
    return process, url, log


def stopped_by(process: subprocess.Popen, folder: Path, log: Path, how: str) -> None:
    """Wait for the classroom to exit after ``how``, and check it left nothing running."""
    try:
        process.wait(timeout=90)  # classroom.stop: 60 s for the hub's shutdown, then SIGKILL
    except subprocess.TimeoutExpired:
        still = left_running(folder)
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail(f"the classroom did not stop within 90 s of {how}; running: {still}; "
                    f"its output ends:\n{log.read_text(errors='replace')[-6000:]}")
    assert process.returncode == 0, log.read_text(errors="replace")[-3000:]
    for _ in range(40):  # a kernel notices within a few seconds that its server has gone
        if not left_running(folder):
            break
        time.sleep(0.25)
    assert left_running(folder) == [], f"{how} left these running; output:\n{log.read_text(errors='replace')[-6000:]}"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """A running classroom: its address, folder and passwords."""
    folder = tmp_path_factory.mktemp("classroom")
    process, url, log = start_classroom(folder, "--lockout", str(LOCKOUT))
    yield url, folder, json.loads((folder / "passwords.json").read_text())
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal: the whole foreground group
    stopped_by(process, folder, log, "Ctrl-C")


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
        lines = {line for m in console[name] for line in m.splitlines()}
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


def attempt(session: requests.Session, url: str, name: str, password: str) -> int:
    """One login through the hub's form, as a script would send it: the answer's status
    (302 logged in, 403 wrong password, 429 refused unread)."""
    if "_xsrf" not in session.cookies:
        session.get(url + "hub/login")
    form = {"username": name, "password": password, "_xsrf": session.cookies["_xsrf"]}
    return session.post(url + "hub/login", data=form, allow_redirects=False).status_code


def test_a_burst_of_wrong_passwords_is_throttled(hub):
    """After 5 wrong passwords for a name, that name is refused unread for the lockout, even
    with the right password; other students are not; the real owner logs in afterwards. After
    20 wrong ones from one address, spread over many names, the address is refused too."""
    url, _, passwords = hub
    attacker = requests.Session()
    started = time.perf_counter()
    codes = [attempt(attacker, url, "teacher", f"guess-{i}") for i in range(30)]
    seconds = time.perf_counter() - started
    assert codes == [403] * 5 + [429] * 25, codes
    assert attempt(attacker, url, "teacher", passwords["teacher"]) == 429  # a right guess learns nothing
    print(f"30 logins in {seconds:.2f} s: 5 passwords checked, then refused for {LOCKOUT} s")
    assert attempt(requests.Session(), url, "bob", passwords["bob"]) == 302  # another name is not locked
    time.sleep(LOCKOUT + 0.2)
    assert attempt(requests.Session(), url, "teacher", passwords["teacher"]) == 302
    assert attempt(attacker, url, "teacher", "guess-again") == 403  # the right password reset the count

    sprayer = requests.Session()  # "guess-again" was the address's first failure after the reset
    codes = [attempt(sprayer, url, f"nobody{i}", "guess") for i in range(25)]
    assert codes == [403] * 19 + [429] * 6, codes
    page = sprayer.post(url + "hub/login", data={"username": "alice", "password": passwords["alice"],
                                                 "_xsrf": sprayer.cookies["_xsrf"]})
    assert page.status_code == 429 and "try again in" in page.text and "this computer" in page.text
    time.sleep(LOCKOUT + 0.2)  # leave the hub as the other tests expect it
    assert attempt(sprayer, url, "alice", passwords["alice"]) == 302


def spawn(url: str, name: str, password: str) -> requests.Session:
    """Log ``name`` in and start their server; return the session once the hub says it is ready."""
    session = requests.Session()
    assert attempt(session, url, name, password) == 302
    session.get(url + "hub/spawn", allow_redirects=False)
    for _ in range(240):
        if server_of(session, url, name):
            return session
        time.sleep(0.25)
    pytest.fail(f"{name}'s server did not start within 60 s")


def server_of(session: requests.Session, url: str, name: str) -> str | None:
    """The address of ``name``'s ready server, as the hub's API tells ``name`` itself; None if none."""
    user = session.get(url + f"hub/api/users/{name}").json()
    return None if user["pending"] else user["server"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_stops_everything(tmp_path, sig):
    """What systemd, Docker or ``kill`` send (SIGTERM), and what a closed terminal sends
    (SIGHUP), to the classroom's own process only: the hub, the proxy, the git server and
    a student's running server all stop, as after Ctrl-C."""
    folder = tmp_path / "room"
    process, url, log = start_classroom(folder)
    spawn(url, "alice", json.loads((folder / "passwords.json").read_text())["alice"])
    assert any("singleuser" in c for c in left_running(folder))
    process.send_signal(sig)
    stopped_by(process, folder, log, sig.name)


def test_an_idle_server_is_culled(tmp_path):
    """With --idle-minutes 0.25, a server nobody uses is stopped within about 15 s plus the
    culler's period (3 s here), and the hub knows it; the student's files stay."""
    folder = tmp_path / "room"
    process, url, log = start_classroom(folder, "--idle-minutes", "0.25")
    try:
        session = spawn(url, "bob", json.loads((folder / "passwords.json").read_text())["bob"])
        started = time.monotonic()
        while any("singleuser" in c for c in left_running(folder)) and time.monotonic() - started < 60:
            time.sleep(0.5)
        assert not any("singleuser" in c for c in left_running(folder)), "the idle server was not culled in 60 s"
        print(f"culled {time.monotonic() - started:.0f} s after it started")
        assert server_of(session, url, "bob") is None
        assert (folder / "homes" / "bob").is_dir()
    finally:
        process.send_signal(signal.SIGTERM)
        stopped_by(process, folder, log, "SIGTERM")


def test_passwords_are_strong_and_weak_ones_are_replaced(tmp_path):
    assert len(classroom.WORDS) == len(set(classroom.WORDS)) == 7776
    assert classroom.password_bits() > 51.6
    made = classroom.new_password()
    words = made.split("-")
    assert len(set(words)) == 4 and set(words) <= set(classroom.WORDS) and classroom.strong(made)
    assert not classroom.strong("zephyr-amber-zephyr-sierra")  # the first edition's kind
    kept = classroom.new_password()
    (tmp_path / "passwords.json").write_text(json.dumps({"alice": "amber-basil-cedar-delta", "bob": kept}))
    new = classroom.passwords(tmp_path, ["alice", "bob"])
    assert new["bob"] == kept and classroom.strong(new["alice"]) and classroom.strong(new["teacher"])
    assert len(set(new.values())) == 3


def test_the_git_server_takes_a_free_port(tmp_path):
    """The last run's port when it is free; another free port when something holds it; an
    asked-for port that is taken is a clear error."""
    import socket

    (tmp_path / "classroom.json").write_text(json.dumps({"git_port": classroom.free_port()}))
    last = json.loads((tmp_path / "classroom.json").read_text())["git_port"]
    assert classroom.git_port(tmp_path, None) == last
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", last))
        holder.listen()
        other = classroom.git_port(tmp_path, None)
        assert other != last and classroom.port_is_free(other)
        with pytest.raises(SystemExit, match=f"Port {last} on 127.0.0.1 is taken"):
            classroom.git_port(tmp_path, last)
    assert classroom.git_port(tmp_path / "new", None) > 0
