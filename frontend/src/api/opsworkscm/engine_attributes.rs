//! Engine attribute calls: UpdateServerEngineAttributes (reset the pivotal key
//! or the admin password) and ExportServerEngineAttribute (node userdata).

use shared::opsworkscm::{
    EngineAttribute, ExportServerEngineAttributeRequest, Server,
    UpdateServerEngineAttributesRequest, ops,
};

use super::{ApiError, call};
use crate::components::download::decode_base64;

/// Changes an engine attribute; the server goes MODIFYING. The answer's
/// `EngineAttributes` hold what the service generated (shown once).
pub async fn update_server_engine_attributes(
    request: &UpdateServerEngineAttributesRequest,
) -> Result<Server, ApiError> {
    let response = call::<ops::UpdateServerEngineAttributes>(request).await?;
    response.server.ok_or_else(|| {
        ApiError::Decode("UpdateServerEngineAttributes answered without a Server".to_owned())
    })
}

/// Exports the node userdata script, decoded from base64.
pub async fn export_userdata(
    request: &ExportServerEngineAttributeRequest,
) -> Result<String, ApiError> {
    let response = call::<ops::ExportServerEngineAttribute>(request).await?;
    userdata_script(response.engine_attribute)
}

/// The script inside the exported attribute.
fn userdata_script(attribute: Option<EngineAttribute>) -> Result<String, ApiError> {
    let encoded = attribute.and_then(|a| a.value).ok_or_else(|| {
        ApiError::Decode("ExportServerEngineAttribute answered without a value".to_owned())
    })?;
    decode_base64(&encoded)
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| ApiError::Decode("the userdata is not base64-encoded text".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userdata_is_decoded_text() {
        let script = userdata_script(Some(EngineAttribute::new("Userdata", "IyEvYmluL2Jhc2gK")));
        assert_eq!(script.unwrap(), "#!/bin/bash\n");
        assert!(userdata_script(None).is_err());
        assert!(userdata_script(Some(EngineAttribute::new("Userdata", "%%"))).is_err());
    }
}
