"""Drives a running-from-scratch cmconsole with clients nobody on the team wrote:
boto3/botocore 1.40.18 and AWS CLI v1 1.42.18 (the last releases with opsworkscm).

Starts `$CMCONSOLE_BIN serve --in-memory --speed 60` on a free loopback port,
runs every check, prints one line per check and a closing
"N passed, N failed" line, and exits non-zero on any failure.
"""

import base64
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import boto3
import botocore
import botocore.config
import botocore.exceptions

ROLE = "arn:aws:iam::123456789012:role/aws-opsworks-cm-service-role"
PROFILE = "arn:aws:iam::123456789012:instance-profile/aws-opsworks-cm-ec2-role"
CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, what, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def error_code(fn):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError("expected an error")


class Env:
    def __init__(self, endpoint, key="AKIDCLIENTS", secret="secret"):
        self.endpoint = endpoint
        self.key, self.secret = key, secret
        self.c = boto3.client(
            "opsworkscm", endpoint_url=endpoint, region_name="us-east-1",
            aws_access_key_id=key, aws_secret_access_key=secret,
        )

    def create(self, engine, name, **kw):
        return self.c.create_server(
            Engine=engine, ServerName=name, InstanceProfileArn=PROFILE,
            InstanceType="m5.large", ServiceRoleArn=ROLE, **kw,
        )["Server"]

    def status(self, name):
        return self.c.describe_servers(ServerName=name)["Servers"][0]["Status"]

    def healthy(self, name):
        wait_for(lambda: self.status(name) == "HEALTHY", f"{name} HEALTHY")

    def gone(self, name):
        try:
            self.c.describe_servers(ServerName=name)
            return False
        except self.c.exceptions.ResourceNotFoundException:
            return True

    def aws(self, *args):
        key = "AKIDCLI" if self.key == "AKIDCLIENTS" else self.key
        env = dict(os.environ, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=self.secret,
                   AWS_DEFAULT_REGION="us-east-1")
        cli = os.path.join(os.path.dirname(sys.executable), "aws")
        return subprocess.run([cli, "--endpoint-url", self.endpoint, *args],
                              capture_output=True, text=True, env=env)


@check
def chef_create_returns_secrets_and_becomes_healthy(env):
    s = env.create("ChefAutomate", "boto-chef", Tags=[{"Key": "team", "Value": "ops"}])
    assert s["Status"] == "CREATING"
    assert hasattr(s["CreatedAt"], "year"), "CreatedAt parses as a datetime"
    attrs = {a["Name"]: a["Value"] for a in s["EngineAttributes"]}
    assert "PRIVATE KEY" in attrs["CHEF_AUTOMATE_PIVOTAL_KEY"]
    kit = zipfile.ZipFile(io.BytesIO(base64.b64decode(attrs["CHEF_STARTER_KIT"])))
    assert any(n.endswith(".chef/config.rb") for n in kit.namelist())
    env.healthy("boto-chef")
    assert "EngineAttributes" not in env.c.describe_servers(ServerName="boto-chef")["Servers"][0] or \
        not env.c.describe_servers(ServerName="boto-chef")["Servers"][0]["EngineAttributes"]
    tags = env.c.list_tags_for_resource(ResourceArn=s["ServerArn"])["Tags"]
    assert tags == [{"Key": "team", "Value": "ops"}], tags


@check
def modeled_errors_map_to_boto3_exception_classes(env):
    c = env.c
    try:
        c.describe_servers(ServerName="does-not-exist")
        raise AssertionError("no error")
    except c.exceptions.ResourceNotFoundException:
        pass
    assert error_code(lambda: env.create("ChefAutomate", "1bad")) == "ValidationException"
    assert error_code(lambda: env.create("ChefAutomate", "boto-chef")) == "ResourceAlreadyExistsException"
    assert error_code(lambda: c.describe_events(ServerName="boto-chef", NextToken="forged")) == \
        "InvalidNextTokenException"
    env.create("Puppet", "boto-busy")
    assert error_code(lambda: c.create_backup(ServerName="boto-busy")) == "InvalidStateException"


@check
def backups_run_and_list_newest_first(env):
    env.healthy("boto-chef")
    b = env.c.create_backup(ServerName="boto-chef", Description="first")["Backup"]
    assert b["Status"] == "IN_PROGRESS" and b["BackupId"].startswith("boto-chef-")
    assert env.status("boto-chef") == "BACKING_UP"
    env.healthy("boto-chef")
    env.c.create_backup(ServerName="boto-chef", Description="second")
    env.healthy("boto-chef")
    listed = env.c.describe_backups(ServerName="boto-chef")["Backups"]
    assert [x["Description"] for x in listed] == ["second", "first"]
    assert all(x["Status"] == "OK" for x in listed)
    env.c.delete_backup(BackupId=b["BackupId"])
    wait_for(lambda: len(env.c.describe_backups(ServerName="boto-chef")["Backups"]) == 1, "backup deleted")


@check
def puppet_csr_is_signed_and_the_waiter_succeeds(env):
    env.create("Puppet", "boto-puppet")
    env.healthy("boto-puppet")
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", f"{d}/n.key", "-out", f"{d}/n.csr", "-subj", "/CN=node1.example.com"],
                       check=True, capture_output=True)
        csr = open(f"{d}/n.csr").read()
    token = env.c.associate_node(ServerName="boto-puppet", NodeName="node1",
                                 EngineAttributes=[{"Name": "PUPPET_NODE_CSR", "Value": csr}])["NodeAssociationStatusToken"]
    waiter = env.c.get_waiter("node_associated")
    waiter.wait(NodeAssociationStatusToken=token, ServerName="boto-puppet",
                WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    r = env.c.describe_node_association_status(NodeAssociationStatusToken=token, ServerName="boto-puppet")
    cert = {a["Name"]: a["Value"] for a in r["EngineAttributes"]}["PUPPET_NODE_CERT"]
    assert cert.startswith("-----BEGIN CERTIFICATE-----")
    bad = error_code(lambda: env.c.associate_node(ServerName="boto-puppet", NodeName="node2",
                                                  EngineAttributes=[{"Name": "PUPPET_NODE_CSR", "Value": "junk"}]))
    assert bad == "ValidationException"


@check
def paginators_walk_every_event(env):
    all_events = env.c.describe_events(ServerName="boto-chef")["ServerEvents"]
    paged = [e for page in env.c.get_paginator("describe_events").paginate(
        ServerName="boto-chef", PaginationConfig={"PageSize": 2}) for e in page["ServerEvents"]]
    assert len(all_events) >= 4 and paged == all_events


@check
def userdata_export_is_a_bash_script(env):
    r = env.c.export_server_engine_attribute(
        ExportAttributeName="Userdata", ServerName="boto-chef",
        InputAttributes=[{"Name": "RunList", "Value": "recipe[nginx]"}])
    script = base64.b64decode(r["EngineAttribute"]["Value"]).decode()
    assert script.startswith("#!/bin/bash") and "recipe[nginx]" in script
    assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0


def rsa_public_key():
    """A fresh RSA public key (PEM), as a Chef node or user would make it."""
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["openssl", "genrsa", "-out", f"{d}/k.pem", "2048"], check=True, capture_output=True)
        return subprocess.run(["openssl", "rsa", "-in", f"{d}/k.pem", "-pubout"],
                              check=True, capture_output=True, text=True).stdout


@check
def restore_brings_back_version_nodes_and_settings(env):
    c = env.c
    env.create("ChefAutomate", "boto-restore", EngineVersion="12", BackupRetentionCount=3)
    env.healthy("boto-restore")
    org = [{"Name": "CHEF_ORGANIZATION", "Value": "default"}]
    token = c.associate_node(ServerName="boto-restore", NodeName="web-1", EngineAttributes=org + [
        {"Name": "CHEF_NODE_PUBLIC_KEY", "Value": rsa_public_key()}])["NodeAssociationStatusToken"]
    c.get_waiter("node_associated").wait(NodeAssociationStatusToken=token, ServerName="boto-restore",
                                         WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    backup = c.create_backup(ServerName="boto-restore")["Backup"]["BackupId"]
    env.healthy("boto-restore")
    # The user's own pivotal public key, then a major upgrade and new settings.
    s = c.update_server_engine_attributes(ServerName="boto-restore", AttributeName="CHEF_PIVOTAL_KEY",
                                          AttributeValue=rsa_public_key())["Server"]
    assert s["Status"] == "MODIFYING", s["Status"]
    env.healthy("boto-restore")
    c.start_maintenance(ServerName="boto-restore",
                        EngineAttributes=[{"Name": "CHEF_MAJOR_UPGRADE", "Value": "true"}])
    env.healthy("boto-restore")
    c.update_server(ServerName="boto-restore", BackupRetentionCount=7)
    token = c.disassociate_node(ServerName="boto-restore", NodeName="web-1",
                                EngineAttributes=org)["NodeAssociationStatusToken"]
    wait_for(lambda: c.describe_node_association_status(
        NodeAssociationStatusToken=token, ServerName="boto-restore")["NodeAssociationStatus"] == "SUCCESS",
        "node disassociated")
    assert error_code(lambda: c.restore_server(ServerName="boto-restore", BackupId="nope-20260101000000000")) == \
        "ResourceNotFoundException"
    s = c.restore_server(ServerName="boto-restore", BackupId=backup, InstanceType="r5.xlarge")
    assert env.status("boto-restore") == "RESTORING"
    env.healthy("boto-restore")
    s = c.describe_servers(ServerName="boto-restore")["Servers"][0]
    assert (s["EngineVersion"], s["BackupRetentionCount"], s["InstanceType"]) == ("12", 3, "r5.xlarge"), s
    events = [e["Message"] for e in c.describe_events(ServerName="boto-restore")["ServerEvents"]]
    assert "new instance i-" in events[0], events[0]
    # web-1 is associated again: it can be disassociated.
    c.disassociate_node(ServerName="boto-restore", NodeName="web-1", EngineAttributes=org)


@check
def tags_and_account_attributes(env):
    c = env.c
    env.create("Puppet", "boto-tags")
    env.healthy("boto-tags")
    arn = c.describe_servers(ServerName="boto-tags")["Servers"][0]["ServerArn"]
    c.tag_resource(ResourceArn=arn, Tags=[{"Key": " env ", "Value": " prod "}, {"Key": "team", "Value": "ops"}])
    tags = [t for page in c.get_paginator("list_tags_for_resource").paginate(
        ResourceArn=arn, PaginationConfig={"PageSize": 1}) for t in page["Tags"]]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "prod"), ("team", "ops")], tags
    c.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert c.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert error_code(lambda: c.tag_resource(ResourceArn=arn, Tags=[{"Key": "k" * 128, "Value": ""}])) == \
        "ValidationException"
    backup = c.create_backup(ServerName="boto-tags", Tags=[{"Key": "kind", "Value": "manual"}])["Backup"]
    assert c.list_tags_for_resource(ResourceArn=backup["BackupArn"])["Tags"] == [{"Key": "kind", "Value": "manual"}]
    env.healthy("boto-tags")
    attrs = {a["Name"]: a for a in c.describe_account_attributes()["Attributes"]}
    servers = len(c.describe_servers()["Servers"])
    assert attrs["ServerLimit"]["Maximum"] == 10 and attrs["ServerLimit"]["Used"] == servers, attrs
    assert attrs["ManualBackupLimit"]["Maximum"] == 50 and attrs["ManualBackupLimit"]["Used"] >= 1, attrs
    # DescribeServers' MaxResults is "not currently implemented": one answer, no NextToken.
    one = c.describe_servers(MaxResults=1)
    assert len(one["Servers"]) == servers and "NextToken" not in one
    r = env.aws("opsworks-cm", "untag-resource", "--resource-arn", arn, "--tag-keys", "env")
    assert r.returncode == 0, r.stderr
    r = env.aws("opsworks-cm", "list-tags-for-resource", "--resource-arn", arn)
    assert r.returncode == 0 and json.loads(r.stdout)["Tags"] == [], r.stdout + r.stderr


def sign_with_new_ca(csr):
    """Signs a cluster CSR with a fresh CA, as a customer does: (cert, anchor)."""
    with tempfile.TemporaryDirectory() as d:
        open(f"{d}/c.csr", "w").write(csr)
        for args in (["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f"{d}/ca.key"],
                     ["req", "-x509", "-new", "-key", f"{d}/ca.key", "-out", f"{d}/ca.pem", "-days", "30",
                      "-subj", "/CN=clients CA"],
                     ["x509", "-req", "-in", f"{d}/c.csr", "-CA", f"{d}/ca.pem", "-CAkey", f"{d}/ca.key",
                      "-CAcreateserial", "-out", f"{d}/c.crt", "-days", "30"]):
            subprocess.run(["openssl", *args], check=True, capture_output=True)
        return open(f"{d}/c.crt").read(), open(f"{d}/ca.pem").read()


@check
def cloudhsm_cluster_backup_lifecycle(env):
    def client(region):
        return boto3.client("cloudhsmv2", endpoint_url=env.endpoint, region_name=region,
                            aws_access_key_id=env.key, aws_secret_access_key=env.secret)
    h, west = client("us-east-1"), client("us-west-2")

    def cluster():
        return h.describe_clusters(Filters={"clusterIds": [cid]})["Clusters"][0]

    def backups(c, **filters):
        return c.describe_backups(Filters=filters)["Backups"]

    cid = h.create_cluster(HsmType="hsm2m.medium", SubnetIds=["subnet-0a1b2c3d"],
                           TagList=[{"Key": "env", "Value": "test"}])["Cluster"]["ClusterId"]
    wait_for(lambda: cluster()["State"] == "UNINITIALIZED", "cluster UNINITIALIZED")
    hsm = h.create_hsm(ClusterId=cid, AvailabilityZone="us-east-1a")["Hsm"]
    wait_for(lambda: cluster()["Hsms"][0]["State"] == "ACTIVE", "HSM ACTIVE")
    signed, anchor = sign_with_new_ca(cluster()["Certificates"]["ClusterCsr"])
    assert h.initialize_cluster(ClusterId=cid, SignedCert=signed, TrustAnchor=anchor)["State"] == \
        "INITIALIZE_IN_PROGRESS"
    wait_for(lambda: cluster()["State"] == "ACTIVE", "cluster ACTIVE")
    wait_for(lambda: [b["BackupState"] for b in backups(h, clusterIds=[cid])] == ["READY"], "first backup")
    backup = backups(h, clusterIds=[cid])[0]
    assert hasattr(backup["CreateTimestamp"], "year")

    h.modify_cluster(ClusterId=cid, BackupRetentionPolicy={"Type": "DAYS", "Value": "30"})
    assert cluster()["BackupRetentionPolicy"] == {"Type": "DAYS", "Value": "30"}
    h.tag_resource(ResourceId=cid, TagList=[{"Key": "team", "Value": "sec"}])
    keys = [t["Key"] for page in h.get_paginator("list_tags").paginate(ResourceId=cid) for t in page["TagList"]]
    assert sorted(keys) == ["env", "team"], keys
    h.untag_resource(ResourceId=cid, TagKeyList=["env"])
    assert [t["Key"] for t in h.list_tags(ResourceId=cid)["TagList"]] == ["team"]

    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
        "AWS": "arn:aws:iam::111122223333:root"}, "Action": ["cloudhsm:CreateCluster"], "Resource": "*"}]})
    h.put_resource_policy(ResourceArn=backup["BackupArn"], Policy=policy)
    assert json.loads(h.get_resource_policy(ResourceArn=backup["BackupArn"])["Policy"]) == json.loads(policy)
    h.delete_resource_policy(ResourceArn=backup["BackupArn"])
    assert "Policy" not in h.get_resource_policy(ResourceArn=backup["BackupArn"])
    assert h.modify_backup_attributes(BackupId=backup["BackupId"], NeverExpires=True)["Backup"]["NeverExpires"]

    copy = h.copy_backup_to_region(BackupId=backup["BackupId"], DestinationRegion="us-west-2")["DestinationBackup"]
    assert copy["SourceCluster"] == cid
    wait_for(lambda: [b["BackupState"] for b in backups(west, sourceBackupIds=[backup["BackupId"]])] == ["READY"],
             "copy READY")
    copied = backups(west, sourceBackupIds=[backup["BackupId"]])[0]
    assert "ClusterId" not in copied and copied["SourceRegion"] == "us-east-1", copied

    assert h.delete_backup(BackupId=backup["BackupId"])["Backup"]["BackupState"] == "PENDING_DELETION"
    assert h.restore_backup(BackupId=backup["BackupId"])["Backup"]["BackupState"] == "READY"
    assert error_code(lambda: h.restore_backup(BackupId=backup["BackupId"])) == "CloudHsmInvalidRequestException"
    assert error_code(lambda: h.delete_cluster(ClusterId="cluster-2345abcdefg")) == \
        "CloudHsmResourceNotFoundException"
    assert error_code(lambda: h.delete_cluster(ClusterId=cid)) == "CloudHsmInvalidRequestException"
    assert h.delete_hsm(ClusterId=cid, HsmId=hsm["HsmId"])["HsmId"] == hsm["HsmId"]
    wait_for(lambda: not cluster()["Hsms"], "HSM deleted")
    assert h.delete_cluster(ClusterId=cid)["Cluster"]["State"] == "DELETE_IN_PROGRESS"
    r = env.aws("cloudhsmv2", "describe-backups", "--filters", f"clusterIds={cid}")
    # Removing the HSM from the ACTIVE cluster took one more backup, newest first.
    assert r.returncode == 0, r.stderr
    listed = [b["BackupId"] for b in json.loads(r.stdout)["Backups"]]
    assert len(listed) == 2 and listed[1] == backup["BackupId"], listed
    r = env.aws("cloudhsmv2", "describe-clusters", "--filters", "clusterIds=cluster-2345abcdefg")
    assert r.returncode == 0 and json.loads(r.stdout)["Clusters"] == [], r.stdout + r.stderr


@check
def maintenance_update_and_delete(env):
    s = env.c.start_maintenance(ServerName="boto-chef")["Server"]
    assert s["Status"] == "UNDER_MAINTENANCE"
    env.healthy("boto-chef")
    assert env.c.describe_servers(ServerName="boto-chef")["Servers"][0]["MaintenanceStatus"] == "SUCCESS"
    s = env.c.update_server(ServerName="boto-chef", BackupRetentionCount=4, PreferredBackupWindow="Mon:03:00")["Server"]
    assert s["BackupRetentionCount"] == 4 and s["PreferredBackupWindow"] == "Mon:03:00"
    env.c.delete_server(ServerName="boto-chef")
    assert env.status("boto-chef") == "DELETING"
    wait_for(lambda: env.gone("boto-chef"), "server gone")


@check
def aws_cli_v1_lists_servers_and_reports_errors(env):
    r = env.aws("opsworks-cm", "describe-servers")
    assert r.returncode == 0, r.stderr
    names = [s["ServerName"] for s in json.loads(r.stdout)["Servers"]]
    assert "boto-puppet" in names, names
    r = env.aws("opsworkscm", "describe-account-attributes")
    attrs = {a["Name"]: a for a in json.loads(r.stdout)["Attributes"]}
    assert attrs["ServerLimit"]["Maximum"] == 10
    r = env.aws("opsworks-cm", "create-backup", "--server-name", "bad_name")
    assert r.returncode != 0 and "ValidationException" in r.stderr, r.stderr


@check
def upstream_mode_takes_only_the_local_key_pair(env):
    """A signing proxy (A) in front of a simulator that checks SigV4 (B):
    boto3 and the CLI reach B through A only when they sign with A's local
    pair; unsigned, wrongly signed and real-credential calls stop at A."""
    b = start(["--in-memory", "--speed", "60", "--rate-limit", "0", "--require-sigv4",
               "--access-key-id", "AKIDREALUPSTREAM", "--secret-access-key", "real-upstream-secret"])
    a = start(["--upstream", b.endpoint, "--upstream-rate", "50/10", "--poll-slow", "1",
               "--access-key-id", "AKIDLOCALCLIENT", "--secret-access-key", "local-client-secret"],
              {"AWS_ACCESS_KEY_ID": "AKIDREALUPSTREAM", "AWS_SECRET_ACCESS_KEY": "real-upstream-secret",
               "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
               "AWS_EC2_METADATA_DISABLED": "true", "CMCONSOLE_TOKEN": "clients-console-token-0123456789"})
    try:
        in_b = Env(b.endpoint, "AKIDREALUPSTREAM", "real-upstream-secret").c
        local = Env(a.endpoint, "AKIDLOCALCLIENT", "local-client-secret")
        unsigned = boto3.client("opsworkscm", endpoint_url=a.endpoint, region_name="us-east-1",
                                config=botocore.config.Config(signature_version=botocore.UNSIGNED))
        wrong = Env(a.endpoint, "AKIDLOCALCLIENT", "not-the-secret")
        real = Env(a.endpoint, "AKIDREALUPSTREAM", "real-upstream-secret")
        assert error_code(lambda: unsigned.describe_servers()) == "MissingAuthenticationTokenException"
        assert error_code(lambda: wrong.create("ChefAutomate", "wrongly-signed")) == "InvalidSignatureException"
        assert error_code(lambda: real.create("ChefAutomate", "real-keys")) == "UnrecognizedClientException"
        assert in_b.describe_servers()["Servers"] == [], "nothing reached B"
        local.create("ChefAutomate", "via-proxy")
        assert [s["ServerName"] for s in in_b.describe_servers()["Servers"]] == ["via-proxy"]
        hsm = boto3.client("cloudhsmv2", endpoint_url=a.endpoint, region_name="eu-west-1",
                           aws_access_key_id="AKIDLOCALCLIENT", aws_secret_access_key="local-client-secret")
        assert hsm.describe_clusters()["Clusters"] == []
        ok = local.aws("opsworks-cm", "describe-servers")
        assert ok.returncode == 0 and "via-proxy" in ok.stdout, ok.stderr
        refused = real.aws("opsworks-cm", "describe-servers")
        assert refused.returncode != 0 and "UnrecognizedClientException" in refused.stderr, refused.stderr
    finally:
        a.stop()
        b.stop()


@check
def endpoint_url_from_the_environment_and_a_seeded_fixture(env):
    """The README's recipe: AWS_ENDPOINT_URL (or the per-service variables)
    points boto3 and the CLI at cmconsole with no endpoint in the code; the
    fixture's instance starts on port 0 and repeats ids after a reset."""
    import cmconsole_fixture as fixture

    binary = os.environ.get("CMCONSOLE_BIN", "target/release/cmconsole")
    with fixture.running(seed=7, binary=binary) as endpoint, fixture.aws_environment(endpoint):
        fixture.reset(endpoint, seed=7)
        hsm = boto3.client("cloudhsmv2")
        first = hsm.create_cluster(HsmType="hsm1.medium", SubnetIds=["subnet-0a1b2c3d"])["Cluster"]
        ops = boto3.client("opsworkscm")
        ops.create_server(Engine="Puppet", ServerName="from-env", InstanceProfileArn=PROFILE,
                          InstanceType="m5.large", ServiceRoleArn=ROLE)
        aws = os.path.join(os.path.dirname(sys.executable), "aws")
        cli = subprocess.run([aws, "opsworks-cm", "describe-servers"],
                             capture_output=True, text=True, env=os.environ.copy())
        assert cli.returncode == 0 and "from-env" in cli.stdout, cli.stderr
        fixture.reset(endpoint, seed=7)
        again = hsm.create_cluster(HsmType="hsm1.medium", SubnetIds=["subnet-0a1b2c3d"])["Cluster"]
        assert again["ClusterId"] == first["ClusterId"], (first["ClusterId"], again["ClusterId"])
        assert ops.describe_servers()["Servers"] == []
    # A [services] section of the AWS config file, for one profile.
    with fixture.running(seed=7, binary=binary) as endpoint, tempfile.TemporaryDirectory() as d:
        config = os.path.join(d, "config")
        with open(config, "w") as f:
            f.write("[profile cmconsole]\nregion = us-east-1\nservices = local\n\n"
                    "[services local]\n"
                    f"opsworkscm =\n  endpoint_url = {endpoint}\n"
                    f"cloudhsm_v2 =\n  endpoint_url = {endpoint}\n")
        saved = dict(os.environ)
        os.environ.update({"AWS_CONFIG_FILE": config, "AWS_PROFILE": "cmconsole",
                           "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"})
        os.environ.pop("AWS_ENDPOINT_URL", None)
        try:
            session = boto3.Session()
            assert session.client("opsworkscm").describe_servers()["Servers"] == []
            assert session.client("cloudhsmv2").describe_clusters()["Clusters"] == []
        finally:
            os.environ.clear()
            os.environ.update(saved)
    # Per-service variables win over the general one.
    with fixture.running(seed=7, binary=binary) as endpoint:
        saved = dict(os.environ)
        os.environ.update({"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "test",
                           "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "eu-west-1",
                           "AWS_ENDPOINT_URL_OPSWORKSCM": endpoint,
                           "AWS_ENDPOINT_URL_CLOUDHSM_V2": endpoint})
        try:
            assert boto3.client("opsworkscm").describe_servers()["Servers"] == []
            assert boto3.client("cloudhsmv2").describe_clusters()["Clusters"] == []
        finally:
            os.environ.clear()
            os.environ.update(saved)


class Process:
    """A `cmconsole serve` of a check's own on a free loopback port."""

    def __init__(self, args, env=None):
        binary = os.environ.get("CMCONSOLE_BIN", "target/release/cmconsole")
        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([binary, "serve", *args, "--listen", f"127.0.0.1:{port}",
                                      "--ui-dir", "/nonexistent"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=dict(os.environ, **(env or {})))
        wait_for(lambda: _health(self.endpoint), "backend start")

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def start(args, env=None):
    return Process(args, env)


def main():
    server = start(["--in-memory", "--speed", "60", "--rate-limit", "0"])
    endpoint = server.endpoint
    passed = failed = 0
    try:
        wait_for(lambda: _health(endpoint), "backend start")
        env = Env(endpoint)
        for fn in CHECKS:
            try:
                fn(env)
                passed += 1
                print(f"ok     {fn.__name__}")
            except Exception:
                failed += 1
                print(f"FAILED {fn.__name__}")
                traceback.print_exc()
    finally:
        server.stop()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def _health(endpoint):
    try:
        with urllib.request.urlopen(f"{endpoint}/api/health", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


if __name__ == "__main__":
    main()
