//! Tests of the starter kits: their entries, modes, times and contents.

use super::*;

const CA: &str = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEfake\n-----END PRIVATE KEY-----";

fn text(
    entries: &std::collections::BTreeMap<String, (Vec<u8>, Option<u32>)>,
    name: &str,
) -> String {
    let (data, _) = entries
        .get(name)
        .unwrap_or_else(|| panic!("{name} missing from {:?}", entries.keys()));
    String::from_utf8(data.clone()).unwrap()
}

/// A fixed generation time for the kits.
fn at() -> DateTime<Utc> {
    use chrono::TimeZone as _;
    Utc.with_ymd_and_hms(2024, 2, 29, 13, 14, 15).unwrap()
}

fn chef_kit(key: Option<&'static str>) -> ChefKit<'static> {
    ChefKit {
        server_name: "MyChef",
        endpoint: "mychef-abcdefghijklmnop.us-east-1.opsworks.io",
        organization: "default",
        pivotal_key_pem: key,
        ca_cert_pem: CA,
    }
}

#[test]
fn chef_kit_contents() {
    let zip = chef_starter_kit_at(&chef_kit(Some(KEY)), at()).unwrap();
    let entries = read_zip_entries(&zip);
    for name in [
        "starter_kit/",
        "starter_kit/README.md",
        "starter_kit/.chef/config.rb",
        "starter_kit/.chef/knife.rb",
        "starter_kit/.chef/private.pem",
        "starter_kit/.chef/ca_certs/opsworks-cm-ca-2020-root.pem",
        "starter_kit/Berksfile",
        "starter_kit/roles/opsworks-example-role.rb",
        "starter_kit/cookbooks/",
    ] {
        assert!(entries.contains_key(name), "{name} missing");
    }
    let config = text(&entries, "starter_kit/.chef/config.rb");
    assert!(config.contains(
        "chef_server_url          'https://mychef-abcdefghijklmnop.us-east-1.opsworks.io/organizations/default'"
    ), "{config}");
    assert!(config.contains("node_name                'pivotal'"));
    assert!(config.contains("File.join(current_dir, 'private.pem')"));
    assert!(config.contains("File.join(current_dir, 'ca_certs')"));
    assert!(config.contains("cookbook_path"));
    assert_eq!(config, text(&entries, "starter_kit/.chef/knife.rb"));
    assert_eq!(
        text(
            &entries,
            "starter_kit/.chef/ca_certs/opsworks-cm-ca-2020-root.pem"
        ),
        CA
    );
    assert_eq!(
        text(&entries, "starter_kit/.chef/private.pem"),
        format!("{KEY}\n")
    );
    assert_eq!(
        entries["starter_kit/.chef/private.pem"]
            .1
            .map(|m| m & 0o777),
        Some(0o600)
    );
    let readme = text(&entries, "starter_kit/README.md");
    for needle in [
        "knife ssl check",
        "knife node list",
        "berks install",
        "berks upload",
        "knife bootstrap",
        "export-server-engine-attribute",
        "associate-node",
        "MyChef",
    ] {
        assert!(readme.contains(needle), "README lacks {needle}");
    }
    assert!(!readme.contains('@'), "unfilled placeholder in README");
    let berks = text(&entries, "starter_kit/Berksfile");
    assert!(berks.contains("source 'https://supermarket.chef.io'"));
    assert!(berks.contains("cookbook 'chef-client'"));
}

#[test]
fn chef_kit_without_key() {
    let zip = chef_starter_kit_at(&chef_kit(None), at()).unwrap();
    let entries = read_zip_entries(&zip);
    assert!(!entries.contains_key("starter_kit/.chef/private.pem"));
    assert!(text(&entries, "starter_kit/README.md").contains("CHEF_PIVOTAL_KEY"));
}

#[test]
fn chef_kit_quotes_ruby_values() {
    let kit = ChefKit {
        endpoint: "evil.example.com'; system('id'); '",
        ..chef_kit(None)
    };
    let entries = read_zip_entries(&chef_starter_kit_at(&kit, at()).unwrap());
    let config = text(&entries, "starter_kit/.chef/config.rb");
    assert!(
        config.contains(r"'https://evil.example.com\'; system(\'id\'); \'/organizations/default'")
    );
}

#[test]
fn kit_times() {
    let zip = chef_starter_kit_at(&chef_kit(Some(KEY)), at()).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let entry = archive.by_name("starter_kit/README.md").unwrap();
    let t = entry.last_modified().unwrap();
    assert_eq!(
        (
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        (2024, 2, 29, 13, 14, 14)
    );
    assert_eq!(entry.compression(), zip::CompressionMethod::Deflated);
}

#[test]
fn puppet_kit_contents() {
    let kit = PuppetKit {
        server_name: "MyPuppet",
        endpoint: "mypuppet-abcdefghijklmnop.us-west-2.opsworks.io",
        ca_cert_pem: CA,
        r10k_remote: Some("ssh://git@example.com/user/control-repo.git"),
        control_repo_key_pem: KEY,
    };
    let zip = puppet_starter_kit_at(&kit, at()).unwrap();
    let entries = read_zip_entries(&zip);
    for name in [
        "starter_kit/README.md",
        "starter_kit/ca.pem",
        "starter_kit/.config/puppetlabs/client-tools/puppet-code.conf",
        "starter_kit/.config/puppetlabs/client-tools/puppet-access.conf",
        "starter_kit/.config/puppetlabs/client-tools/puppetdb.conf",
        "starter_kit/.config/puppetlabs/client-tools/orchestrator.conf",
        "starter_kit/.ssh/control-repo",
        "starter_kit/control-repo/Puppetfile",
        "starter_kit/control-repo/environment.conf",
        "starter_kit/control-repo/manifests/site.pp",
        "starter_kit/control-repo/hieradata/common.yaml",
        "starter_kit/control-repo/hiera.yaml",
        "starter_kit/control-repo/README.md",
    ] {
        assert!(entries.contains_key(name), "{name} missing");
    }
    assert_eq!(text(&entries, "starter_kit/ca.pem"), CA);
    assert_eq!(
        text(&entries, "starter_kit/.ssh/control-repo"),
        format!("{KEY}\n")
    );
    assert_eq!(
        entries["starter_kit/.ssh/control-repo"]
            .1
            .map(|m| m & 0o777),
        Some(0o600)
    );
    let code = text(
        &entries,
        "starter_kit/.config/puppetlabs/client-tools/puppet-code.conf",
    );
    assert!(code.contains(
        r#""service-url": "https://mypuppet-abcdefghijklmnop.us-west-2.opsworks.io:8170/code-manager""#
    ), "{code}");
    assert!(code.contains(r#""cacert""#));
    let readme = text(&entries, "starter_kit/README.md");
    for needle in [
        "https://mypuppet-abcdefghijklmnop.us-west-2.opsworks.io",
        "admin",
        "PUPPET_ADMIN_PASSWORD",
        "puppet-access login",
        "puppet-code deploy",
        "associate-node",
        "PUPPET_NODE_CSR",
        "ssh://git@example.com/user/control-repo.git",
    ] {
        assert!(readme.contains(needle), "README lacks {needle}");
    }
    let site = text(&entries, "starter_kit/control-repo/manifests/site.pp");
    assert!(site.contains("node default"));
    assert!(site.contains("${trusted['certname']}"));
}

#[test]
fn puppet_conf_is_json_escaped() {
    let kit = PuppetKit {
        server_name: "p",
        endpoint: "a\"b\\c",
        ca_cert_pem: CA,
        r10k_remote: None,
        control_repo_key_pem: KEY,
    };
    let entries = read_zip_entries(&puppet_starter_kit_at(&kit, at()).unwrap());
    let db = text(
        &entries,
        "starter_kit/.config/puppetlabs/client-tools/puppetdb.conf",
    );
    assert!(
        db.contains(r#""server_urls": "https://a\"b\\c:8081""#),
        "{db}"
    );
    assert!(text(&entries, "starter_kit/README.md").contains("PUPPET_R10K_REMOTE"));
}

#[test]
fn json_quote_escapes_controls() {
    assert_eq!(json_quote("a\u{1}\n\"\\"), r#""a\u0001\n\"\\""#);
    assert_eq!(ruby_quote(r"it's \ ok"), r"'it\'s \\ ok'");
}
