//! The README's aws-sdk-rust recipe: no endpoint in the code; the standard
//! configuration loader reads `AWS_ENDPOINT_URL` (or the per-service
//! `AWS_ENDPOINT_URL_OPSWORKSCM` / `AWS_ENDPOINT_URL_CLOUDHSM_V2`), the
//! credentials and the region from the environment. Run against a running
//! cmconsole:
//!
//! ```bash
//! AWS_ENDPOINT_URL=http://127.0.0.1:8080 AWS_ACCESS_KEY_ID=test \
//! AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
//! cargo run -p backend --example endpoint_from_env
//! ```

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let opsworks = aws_sdk_opsworkscm::Client::new(&config).describe_servers();
    let servers = opsworks.send().await?.servers().len();
    let hsm = aws_sdk_cloudhsmv2::Client::new(&config).describe_clusters();
    let clusters = hsm.send().await?.clusters().len();
    println!("servers={servers} clusters={clusters}");
    Ok(())
}
