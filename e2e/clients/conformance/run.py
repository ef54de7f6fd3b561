"""The conformance matrix, boto3 and AWS CLI half: every case of cases.json
(every operation of both services, on its happy path and with each error its
model documents) called through boto3/botocore 1.40.18 and AWS CLI v1 1.42.18
against a `cmconsole serve --in-memory` of its own, responses parsed by the
clients' own models.

Writes target/conformance/{boto3,cli}.json, then joins them with
target/conformance/aws-sdk-rust.json (written by the backend's `conformance`
test) into the table between the conformance markers of README.md: with
`--write-readme` it rewrites that table, without it it fails when the table is
stale. Exits non-zero when any case fails on any client.
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

import boto3
import botocore
import botocore.config
import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from check_real_clients import Process  # noqa: E402
from conformance_table import ROOT, RESULTS, render, replace_table  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REGION = "us-east-1"
KEY, SECRET = "AKIDCONFORMANCE", "conformance-secret"
# The console's control door is JSON over HTTP on the same port.
SIM = "/api/sim"
SERVICES = {"opsworkscm": "opsworks-cm", "cloudhsmv2": "cloudhsmv2"}


class Failure(Exception):
    """A service error as the client surfaced it."""

    def __init__(self, code, modeled, message=""):
        super().__init__(f"{code}: {message}")
        self.code, self.modeled = code, modeled


class Simulator:
    """The control door of the cmconsole under test."""

    def __init__(self, endpoint):
        self.endpoint = endpoint

    def request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.endpoint + SIM + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"{}")

    def now(self):
        seconds = self.request("GET", "/clock")["now"]
        return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)


class Boto3:
    """Calls through boto3, errors mapped by botocore's modeled exceptions."""

    name = "boto3"

    def __init__(self, endpoint):
        config = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"})
        self.clients = {
            service: boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                                  aws_access_key_id=KEY, aws_secret_access_key=SECRET, config=config)
            for service in SERVICES
        }

    def call(self, service, operation, params):
        client = self.clients[service]
        try:
            response = getattr(client, botocore.xform_name(operation))(**params)
        except botocore.exceptions.ClientError as e:
            code = e.response["Error"]["Code"]
            modeled = type(e).__name__ == code and isinstance(e, getattr(client.exceptions, code, ()))
            raise Failure(code, modeled, e.response["Error"].get("Message", "")) from None
        response.pop("ResponseMetadata", None)
        return response


class Cli:
    """Calls through `aws <service> <operation> --cli-input-json`."""

    name = "cli"
    ERROR = re.compile(r"An error occurred \(([A-Za-z]+)\) when calling the ([A-Za-z]+) operation")

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                        AWS_DEFAULT_REGION=REGION, AWS_MAX_ATTEMPTS="1", AWS_RETRY_MODE="standard",
                        AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
                        AWS_EC2_METADATA_DISABLED="true", AWS_PAGER="")
        self.aws = os.path.join(os.path.dirname(sys.executable), "aws")

    def call(self, service, operation, params):
        command = [self.aws, SERVICES[service], botocore.xform_name(operation, "-"),
                   "--endpoint-url", self.endpoint, "--output", "json",
                   "--cli-input-json", json.dumps(params)]
        done = subprocess.run(command, capture_output=True, text=True, env=self.env, timeout=60)
        if done.returncode == 0:
            return json.loads(done.stdout) if done.stdout.strip() else {}
        found = self.ERROR.search(done.stderr)
        if not found or found.group(2) != operation:
            raise Failure("client error", False, done.stderr.strip())
        # The CLI names the error by the code its botocore model parsed.
        raise Failure(found.group(1), True, done.stderr.strip())


def substitute(value, env):
    """Replaces `$name` in every string of `value` with env[name], repeatedly
    (a variable may name others, e.g. the policy names the backup's ARN)."""
    if isinstance(value, str):
        for _ in range(3):
            replaced = re.sub(r"\$([a-z_]+)", lambda m: str(env.get(m.group(1), m.group(0))), value)
            if replaced == value:
                break
            value = replaced
        return value
    if isinstance(value, list):
        return [substitute(v, env) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, env) for k, v in value.items()}
    return value


def lookup(document, path):
    """The value at dotted `path` (list items by index), or None."""
    for part in path.split("."):
        if isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        elif isinstance(document, dict) and part in document:
            document = document[part]
        else:
            return None
    return document


def sign_csr(csr_pem):
    """What the customer's CA does with the cluster's CSR: a self-signed CA
    (the trust anchor) issues a certificate for the CSR's key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    csr = x509.load_pem_x509_csr(csr_pem.encode())
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "conformance CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    validity = (now - datetime.timedelta(days=1), now + datetime.timedelta(days=3650))
    anchor = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
              .public_key(key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(validity[0]).not_valid_after(validity[1])
              .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
              .sign(key, hashes.SHA256()))
    signed = (x509.CertificateBuilder().subject_name(csr.subject).issuer_name(name)
              .public_key(csr.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(validity[0]).not_valid_after(validity[1])
              .sign(key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return {"signed": signed.public_bytes(pem).decode(), "anchor": anchor.public_bytes(pem).decode()}


class Case:
    """One row of the matrix: a setup, a call, the outcome it must have."""

    def __init__(self, service, raw):
        self.service, self.raw = service, raw
        self.operation, self.expect = raw["op"], raw["expect"]
        self.id = f"{service} {self.operation} {self.expect}"


def load():
    with open(os.path.join(HERE, "cases.json")) as f:
        cases = json.load(f)
    with open(os.path.join(HERE, "fixtures.json")) as f:
        fixtures = json.load(f)
    listed = [Case(service, raw) for service in SERVICES for raw in cases[service]]
    return listed, fixtures


def check_covers_the_models(cases):
    """Every operation and every error botocore's models document has a case."""
    have = {(c.service, c.operation, c.expect) for c in cases}
    missing = []
    for service in SERVICES:
        model = boto3.client(service, region_name=REGION, aws_access_key_id="x",
                             aws_secret_access_key="x").meta.service_model
        for op in model.operation_names:
            wanted = ["ok"] + [shape.name for shape in model.operation_model(op).error_shapes]
            missing += [f"{service} {op} {code}" for code in wanted if (service, op, code) not in have]
    if missing:
        raise SystemExit("cases.json lacks cases the models document:\n  " + "\n  ".join(missing))


class Matrix:
    """Runs cases on one client; setup steps go through boto3 (they are not
    what is being checked)."""

    def __init__(self, sim, fixtures, setup, client):
        self.sim, self.fixtures, self.setup, self.client = sim, fixtures, setup, client

    def steps(self, steps, service, env):
        for step in steps:
            if isinstance(step, str):
                step = {"use": step}
            if "use" in step:
                self.steps(self.fixtures["fixtures"][step["use"]], service, env)
            elif "advance" in step:
                self.sim.request("POST", "/clock/advance", {"seconds": step["advance"]})
            elif "repeat" in step:
                for i in range(step["repeat"]):
                    self.steps(step["steps"], service, dict(env, i=i))
            elif "sign_csr" in step:
                signed = sign_csr(substitute(step["sign_csr"], env))
                env.update({var: signed[field] for var, field in step["save"].items()})
            else:
                params = substitute(step["input"], env)
                response = self.setup.call(step.get("service", service), step["call"], params)
                for var, path in step.get("save", {}).items():
                    env[var] = lookup(response, path)

    def run(self, case):
        """"pass", or what went wrong."""
        raw = case.raw
        self.sim.request("POST", "/reset", {})
        env = dict(self.fixtures["vars"])
        window = self.sim.now() + datetime.timedelta(days=3)
        env["maintenance_window"] = window.strftime("%a:%H:00")
        self.steps(raw["given"], case.service, env)
        if raw.get("inject"):
            self.sim.request("POST", "/faults", {"kind": "error", "code": case.expect,
                                                 "operation": case.operation})
        params = substitute(raw["input"], env)
        try:
            response = self.client.call(case.service, case.operation, params)
        except Failure as failure:
            if case.expect == "ok":
                return f"failed with {failure}"
            if failure.code != case.expect:
                return f"got {failure.code}"
            return "pass" if failure.modeled else f"{failure.code} not a modeled exception"
        if case.expect != "ok":
            return "succeeded"
        absent = [p for p in raw.get("returns", []) if lookup(response, p) in (None, "")]
        return f"response lacks {', '.join(absent)}" if absent else "pass"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write-readme", action="store_true", help="rewrite README.md's table")
    parser.add_argument("--only", help="run only cases whose id contains this text")
    args = parser.parse_args()
    cases, fixtures = load()
    check_covers_the_models(cases)
    server = Process(["--in-memory", "--speed", "1", "--rate-limit", "0"])
    sim = Simulator(server.endpoint)
    setup = Boto3(server.endpoint)
    failed = 0
    try:
        for client in (setup, Cli(server.endpoint)):
            matrix = Matrix(sim, fixtures, setup, client)
            results = {}
            started = time.monotonic()
            for case in cases:
                if case.raw.get("not_produced") or (args.only and args.only not in case.id):
                    continue
                try:
                    outcome = matrix.run(case)
                except Exception as e:  # a broken setup is this case's failure
                    outcome = f"setup failed: {e!r}"
                results[case.id] = outcome
                if outcome != "pass":
                    failed += 1
                    print(f"FAILED {client.name:6} {case.id}: {outcome}")
            passed = sum(1 for r in results.values() if r == "pass")
            print(f"{client.name}: {passed}/{len(results)} cases pass "
                  f"({time.monotonic() - started:.0f} s)")
            if not args.only:
                os.makedirs(RESULTS, exist_ok=True)
                with open(os.path.join(RESULTS, f"{client.name}.json"), "w") as f:
                    json.dump({"client": client_label(client), "results": results}, f, indent=1)
    finally:
        server.stop()
    if args.only:
        sys.exit(1 if failed else 0)
    table = render(cases)
    readme = os.path.join(ROOT, "README.md")
    with open(readme) as f:
        text = f.read()
    updated = replace_table(text, table)
    if args.write_readme:
        with open(readme, "w") as f:
            f.write(updated)
        print("README.md conformance table written")
    elif updated != text:
        print("README.md's conformance table is stale: run `cargo xtask conformance` and commit it")
        failed += 1
    sys.exit(1 if failed else 0)


def client_label(client):
    if client.name == "boto3":
        return f"boto3 {boto3.__version__}"
    import awscli
    return f"AWS CLI {awscli.__version__}"


if __name__ == "__main__":
    main()
