//! ExportServerEngineAttribute `Userdata`.

use crate::helpers::assert_fails;
use base64::Engine as _;

use crate::helpers::*;

fn bash_syntax_ok(script: &str) -> bool {
    use std::io::Write;
    let mut child = std::process::Command::new("bash")
        .arg("-n")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    child.wait().unwrap().success()
}

#[tokio::test]
async fn chef_userdata_is_a_runnable_script_honouring_its_inputs() {
    let app = TestApp::spawn().await;
    app.create_chef("u").await;
    assert_fails!(
        app.export_server_engine_attribute("u")
            .export_attribute_name("Userdata"),
        "InvalidStateException",
        "not while CREATING"
    );
    app.advance(61).await;
    let out = app
        .export_server_engine_attribute("u")
        .export_attribute_name("Userdata")
        .input_attributes(ea("RunList", "recipe[apache2],role[web]"))
        .input_attributes(ea("OrganizationName", "default"))
        .input_attributes(ea("NodeEnvironment", "staging"))
        .input_attributes(ea("NodeClientVersion", "13.8.5"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.server_name.as_deref(), Some("u"));
    let attribute = out.engine_attribute.unwrap();
    assert_eq!(attribute.name.as_deref(), Some("Userdata"));
    let script = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(attribute.value.unwrap())
            .unwrap(),
    )
    .unwrap();
    assert!(script.starts_with("#!/bin/bash"));
    assert!(script.contains("recipe[apache2]") && script.contains("role[web]"));
    assert!(script.contains("staging") && script.contains("13.8.5"));
    assert!(script.contains("associate-node"));
    assert!(script.contains(&app.server("u").await.endpoint.unwrap()));
    assert!(bash_syntax_ok(&script));

    assert_fails!(
        app.export_server_engine_attribute("u")
            .export_attribute_name("Other"),
        "ValidationException"
    );
    assert_fails!(
        app.export_server_engine_attribute("u")
            .export_attribute_name("Userdata")
            .input_attributes(ea("NodeClientVersion", "latest")),
        "ValidationException"
    );
    assert_fails!(
        app.export_server_engine_attribute("none")
            .export_attribute_name("Userdata"),
        "ResourceNotFoundException"
    );
}

#[tokio::test]
async fn puppet_userdata_submits_a_csr() {
    let app = TestApp::spawn().await;
    app.create_puppet("pu").await;
    app.advance(61).await;
    let out = app
        .export_server_engine_attribute("pu")
        .export_attribute_name("Userdata")
        .send()
        .await
        .unwrap();
    let script = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(out.engine_attribute.unwrap().value.unwrap())
            .unwrap(),
    )
    .unwrap();
    assert!(script.contains("PUPPET_NODE_CSR"));
    assert!(bash_syntax_ok(&script));
}
