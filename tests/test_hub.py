"""Many users through a real JupyterHub: each user's identity comes from the hub.

One hub per module (``DummyAuthenticator`` with a password, ``SimpleLocalProcessSpawner``, npm's
configurable-http-proxy) serves a workspace with a risk assessment tomas submitted. Each user's
single-user server loads the workbench extension and holds keys in the user's own home. The hub
users are ``tnovak`` (tomas, mapped by ``hub_user``), ``david`` (by his person id), ``priya`` (a hub
admin, who may open others' servers) and ``mallory`` (no person of the configuration).

Attacks tried: naming another person (even holding their key), a hub user who is no person, an
admin visiting another's server, a wrong password, signing one's own assessment; and the one
sign-off that is allowed is recorded, signed, under the hub user's person (the one test that
archives: it runs after the refusals, which check that nothing was signed).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import yaml

from keys import KEYS
from subprocesses import ROOT, free_port, stop, wait_for_server
from workbench.demo import ANSWERS, SYSTEMS, demo_configuration
from workbench.pipeline.archive import ledger_entries
from workbench.pipeline.run import run_process
from workbench.records.configuration import record_configuration
from workbench.signing import KEY_VAR
from workbench.workspace import CONFIG_FILE, ENV_VAR, Workspace, init_workspace

pytest.importorskip("jupyterhub", reason="JupyterHub is in the test extra: pip install -e '.[test]'")
pytestmark = [pytest.mark.hub, pytest.mark.kernel]

PASSWORD = "correct horse battery staple"
# who logs in, and the private keys in their home (person ids): tnovak also holds david's key,
# as if it had leaked to him; the hub, not the key ring, says who he is
HOMES = {"tnovak": ["tomas", "david"], "david": ["david"], "priya": [], "mallory": []}
SERVERS = ("tnovak", "david", "mallory")  # priya only visits


def proxy_command() -> str:
    """configurable-http-proxy: ./dev test installs it from tests/hub-proxy into .venv/hub-proxy."""
    for candidate in (ROOT / ".venv/hub-proxy/node_modules/.bin/configurable-http-proxy",
                      shutil.which("configurable-http-proxy")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    pytest.skip("configurable-http-proxy is not installed (./dev test installs it with npm into .venv/hub-proxy)")


class Hub:
    """A running hub: its URL, an admin service token, and the log."""

    def __init__(self, url: str, token: str, log: Path, workspace: Path):
        self.url, self.token, self.log, self.workspace = url, token, log, workspace

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.url}/hub/api/{path}", timeout=60,
                                headers={"Authorization": f"token {self.token}"}, **kwargs)

    def user_token(self, user: str) -> str:
        found = self.api("POST", f"users/{user}/tokens", json={"note": "test", "expires_in": 3600})
        assert found.status_code == 201, found.text
        return found.json()["token"]

    def call(self, user: str, token: str, endpoint: str, body: dict | None = None, server: str = ""):
        """Call the extension's ``endpoint`` in ``server``'s single-user server (default: ``user``'s) with
        ``user``'s token; the status and the JSON answer."""
        url = f"{self.url}/user/{server or user}/aims-workbench/{endpoint}"
        response = requests.request("POST" if body is not None else "GET", url, json=body, timeout=60,
                                    headers={"Authorization": f"token {token}"}, allow_redirects=False)
        return response.status_code, response.json() if response.content else None


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Hub:
    base = tmp_path_factory.mktemp("hub")
    config = demo_configuration(KEYS)
    ws = init_workspace(base / "ws", config=config)
    ws.add_systems(SYSTEMS)
    edited = yaml.safe_load((ws.root / CONFIG_FILE).read_text())
    next(p for p in edited["people"] if p["id"] == "tomas")["hub_user"] = "tnovak"
    (ws.root / CONFIG_FILE).write_text(yaml.safe_dump(edited, sort_keys=False))
    record_configuration(Workspace(ws.root), "tomas signs in to the hub as tnovak", "priya")
    for user, people in HOMES.items():
        home = base / "homes" / user
        for person, place in zip(people, (".config/aims-workbench/signing_key", ".ssh/id_ed25519")):
            (home / place).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(KEYS[person], home / place)
            (home / place).chmod(0o600)
        (home / ".jupyter").mkdir(parents=True)  # quicker servers: without the extensions these tests do not call
        (home / ".jupyter" / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {"jpserver_extensions": {
            name: False for name in ("voila.server_extension", "jupyter_lsp")}}}))
    port, token = free_port(), uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if k not in (KEY_VAR, ENV_VAR, "JUPYTERHUB_USER")}
    passed = {"WORKBENCH_WORKSPACE": str(ws.root)} | {k: env[k] for k in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH") if k in env}
    (base / "jupyterhub_config.py").write_text(f"""
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{proxy_command()!r}]
c.JupyterHub.db_url = "sqlite:///{base / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(base / 'cookie_secret')!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {PASSWORD!r}
c.Authenticator.allowed_users = {set(HOMES)!r}
c.Authenticator.admin_users = {{"priya"}}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(base / 'homes' / '{username}')!r}
c.Spawner.cmd = [{sys.executable!r}, "-m", "jupyterhub.singleuser"]
c.Spawner.notebook_dir = {str(ws.root)!r}
c.Spawner.default_url = "/lab"
c.Spawner.args = {["--allow-root"] if os.geteuid() == 0 else []!r}
c.Spawner.environment = {passed!r}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.tornado_settings = {{"slow_spawn_timeout": 0, "slow_stop_timeout": 0}}  # start and stop at once
c.JupyterHub.services = [{{"name": "tester", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "tester", "services": ["tester"],
                            "scopes": ["admin:users", "admin:servers", "tokens"]}}]
""")
    log = base / "hub.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", "jupyterhub_config.py"],
                                cwd=base, env=env, stdout=out, stderr=out)
    hub = Hub(f"http://127.0.0.1:{port}", token, log, ws.root)
    try:
        started = time.monotonic()
        wait_for_server(hub.url, proc, log, probe="/hub/api/")
        while requests.get(f"{hub.url}/hub/api/", timeout=10).status_code != 200:  # the proxy answers first
            assert proc.poll() is None and time.monotonic() - started < 60, log.read_text()[-3000:]
            time.sleep(0.2)
        for user in SERVERS:
            assert hub.api("POST", f"users/{user}/server").status_code in (201, 202)
        # while the servers start: the record the tests sign off, a real papermill run
        run_process(ws, "risk-assessment", "cv-screening", ANSWERS["cv-screening"], assessor="tomas")
        for user in SERVERS:
            while not hub.api("GET", f"users/{user}").json()["servers"].get("", {}).get("ready"):
                assert time.monotonic() - started < 120, log.read_text()[-3000:]
                time.sleep(0.3)
        hub.started = time.monotonic() - started
        yield hub
    finally:
        for user in SERVERS:
            hub.api("DELETE", f"users/{user}/server")
        stop(proc)


def signoffs(root: Path) -> list[dict]:
    return [e for e in ledger_entries(root / "evidence") if e["kind"] == "signoff"]


def run_id(root: Path) -> str:
    return next(e["run_id"] for e in ledger_entries(root / "evidence") if e["kind"] == "evidence")


def login(hub: Hub, user: str, password: str) -> requests.Session:
    """Log in through the hub's login form, as a browser does; the session holds the cookies."""
    session = requests.Session()
    page = session.get(f"{hub.url}/hub/login", timeout=30)
    assert page.status_code == 200
    session.post(f"{hub.url}/hub/login?next=/hub/user/{user}/lab", timeout=60,
                 data={"username": user, "password": password, "_xsrf": session.cookies.get("_xsrf", path="/hub/")})
    return session


def test_the_hub_user_logged_in_with_the_password_acts_as_their_person(hub):
    assert hub.started < 60, f"the hub and three single-user servers took {hub.started:.1f} s to start"
    intruder = login(hub, "tnovak", "wrong password")
    assert intruder.get(f"{hub.url}/user/tnovak/aims-workbench/identity", timeout=30,
                        allow_redirects=False).status_code != 200  # no session: sent to log in
    session = login(hub, "tnovak", PASSWORD)
    found = session.get(f"{hub.url}/user/tnovak/aims-workbench/identity", timeout=30)
    assert found.status_code == 200, found.text
    assert found.json() == {"person": "tomas", "name": "Tomas Novak", "roles": ["assessor"], "hub_user": "tnovak",
                            "signs": True, "held": ["tomas"]}  # david's key is in his home too, and not his
    # a request that names another person is refused, though tnovak holds david's key too
    xsrf = session.cookies.get("_xsrf", path="/user/tnovak/")
    refused = session.post(f"{hub.url}/user/tnovak/aims-workbench/signoff", timeout=60, headers={"X-XSRFToken": xsrf},
                           json={"run_id": run_id(hub.workspace), "decision": "approve", "comment": "fine",
                                 "person": "david"})
    assert refused.status_code == 403, refused.text
    assert refused.json()["problems"][0]["field"] == "person"
    assert "signed in to JupyterHub as tnovak, who is tomas: you act as tomas only" in refused.json()["message"]
    # as himself, the rules of signed decisions apply: nobody signs off their own assessment
    own = session.post(f"{hub.url}/user/tnovak/aims-workbench/signoff", timeout=60, headers={"X-XSRFToken": xsrf},
                       json={"run_id": run_id(hub.workspace), "decision": "approve", "comment": "fine"})
    assert own.status_code == 400 and "segregation of duties: tomas assessed" in own.json()["message"]
    assert signoffs(hub.workspace) == []


def test_a_hub_user_who_is_no_person_is_refused(hub):
    token = hub.user_token("mallory")
    code, found = hub.call("mallory", token, "identity")
    assert code == 403 and found["problems"][0] == {
        "field": "hub_user", "value": "mallory", "message": found["problems"][0]["message"]}
    assert "is signed in to JupyterHub but is no person of the configuration in force" in found["message"]
    code, found = hub.call("mallory", token, "signoff", {"run_id": run_id(hub.workspace), "decision": "approve",
                                                         "comment": "fine", "person": "david"})
    assert code == 403 and "mallory" in found["message"]
    code, found = hub.call("mallory", token, "notebooks", {"process": "risk-assessment", "system_id": "cv-screening"})
    assert code == 403 and not (hub.workspace / "drafts" / "risk-assessment-cv-screening.ipynb").exists()
    assert signoffs(hub.workspace) == []


def test_an_admin_visiting_another_users_server_does_not_act_there(hub):
    token = hub.user_token("priya")  # a hub admin: the hub lets her into david's server
    code, found = hub.call("priya", token, "identity", server="david")
    assert code == 403 and "this server is david's and acts as david" in found["message"]
    code, found = hub.call("priya", token, "signoff", {"run_id": run_id(hub.workspace), "decision": "reject",
                                                       "comment": "no"}, server="david")
    assert code == 403 and signoffs(hub.workspace) == []
    code, found = hub.call("priya", token, "systems", server="david")  # reading is not acting
    assert code == 200 and len(found) == 3


def test_a_kernel_in_the_users_server_acts_as_the_hub_user(hub):
    token = hub.user_token("tnovak")
    code = ("import os, json\n"
            "from workbench.workspace import Workspace\n"
            "from workbench.records.identity import acting_person, signing_people\n"
            "ws = Workspace(os.environ['WORKBENCH_WORKSPACE'])\n"
            "try:\n"
            "    acting_person(ws, 'david')\n"
            "    refused = ''\n"
            "except Exception as err:\n"
            "    refused = f'{type(err).__name__}: {err}'\n"
            "print(json.dumps({'hub': os.environ['JUPYTERHUB_USER'], 'acts': acting_person(ws).id,\n"
            "                  'offered': [p.id for p in signing_people(ws)], 'refused': refused}))\n")
    found = json.loads(execute(hub, "tnovak", token, code))
    assert found["hub"] == "tnovak" and found["acts"] == "tomas"
    assert found["offered"] == ["tomas"]  # the form's choice of who acts: david's leaked key is not offered
    assert found["refused"].startswith("NotYoursError: person: you are signed in to JupyterHub as tnovak, who is "
                                       "tomas: you act as tomas only, never as someone else (got 'david')")


def test_the_sign_off_is_recorded_under_the_hub_users_person(hub):
    token = hub.user_token("david")
    code, found = hub.call("david", token, "identity")
    assert (code, found["person"], found["hub_user"], found["signs"], found["held"]) == (200, "david", "david", True,
                                                                                       ["david"])
    evidence = run_id(hub.workspace)
    code, found = hub.call("david", token, "signoff", {"run_id": evidence, "decision": "approve",
                                                       "comment": "residual risks accepted"})
    assert code == 201, found
    assert (found["run_id"], found["decision"], found["person"]) == (evidence, "approved", "david")
    entry = signoffs(hub.workspace)[-1]
    assert entry["person"] == entry["signature"]["by"] == "david" and entry["signoff_id"] == found["signoff_id"]
    assert (hub.workspace / found["record"]).is_file()  # the approval record, inside the server's folder
    code, found = hub.call("david", token, "signoff", {"run_id": evidence, "decision": "reject", "comment": "again"})
    assert code == 400 and "one decision per run: already approved by david" in found["message"]


@pytest.mark.browser
def test_the_side_panel_says_who_acts_in_chromium(hub, chromium):
    """Log in through the hub's form in Chromium, open JupyterLab and the side panel: it names the hub
    user's person; a stranger's panel says why nobody acts."""
    from playwright.sync_api import expect, sync_playwright

    from browser_checks import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for user, says in [("tnovak", "Signed in to JupyterHub as tnovak: acting as Tomas Novak (tomas)"),
                               ("mallory", "Nobody acts here: hub_user: is signed in to JupyterHub but is no person")]:
                page = browser.new_context().new_page()
                page.goto(f"{hub.url}/hub/login?next=/hub/user/{user}/lab")
                page.fill("#username_input", user)
                page.fill("#password_input", PASSWORD)
                page.click("#login_submit")
                page.wait_for_url(f"{hub.url}/user/{user}/lab**", timeout=60_000)
                page.locator(".jp-SideBar .lm-TabBar-tab[data-id='aims-workbench-systems']").click(timeout=60_000)
                expect(page.locator(".jp-AimsPanel-who")).to_contain_text(says, timeout=30_000)
                expect(page.locator(".jp-AimsPanel-system")).to_have_count(3, timeout=30_000)
                page.context.close()
        finally:
            browser.close()


def execute(hub: Hub, user: str, token: str, code: str, timeout: float = 60) -> str:
    """Run ``code`` in a new kernel of ``user``'s server (the kernel REST API and its websocket); its stdout."""
    import asyncio

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    headers = {"Authorization": f"token {token}"}
    kernel = requests.post(f"{hub.url}/user/{user}/api/kernels", headers=headers, json={}, timeout=60)
    assert kernel.status_code == 201, kernel.text
    kernel_id = kernel.json()["id"]

    async def run() -> str:
        ws_url = f"{hub.url.replace('http', 'ws')}/user/{user}/api/kernels/{kernel_id}/channels"
        conn = await websocket_connect(HTTPRequest(ws_url, headers=headers))
        msg_id = uuid.uuid4().hex
        conn.write_message(json.dumps({
            "header": {"msg_id": msg_id, "username": user, "session": uuid.uuid4().hex, "msg_type": "execute_request",
                       "version": "5.3"}, "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False}}))
        out = []
        while True:
            raw = await asyncio.wait_for(conn.read_message(), timeout)
            assert raw is not None, "the kernel's websocket closed"
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                pytest.fail("\n".join(msg["content"]["traceback"]))
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                conn.close()
                return "".join(out)

    try:
        return asyncio.run(run())
    finally:
        requests.delete(f"{hub.url}/user/{user}/api/kernels/{kernel_id}", headers=headers, timeout=60)
