//! Node association calls: AssociateNode, DisassociateNode and
//! DescribeNodeAssociationStatus.

use shared::opsworkscm::{
    AssociateNodeRequest, DescribeNodeAssociationStatusRequest,
    DescribeNodeAssociationStatusResponse, DisassociateNodeRequest, Text, ops,
};

use super::{ApiError, call, invalid, server_name_of};

/// Starts associating a node; the answer is the token to follow it with.
pub async fn associate_node(request: &AssociateNodeRequest) -> Result<String, ApiError> {
    let response = call::<ops::AssociateNode>(request).await?;
    response.node_association_status_token.ok_or_else(|| {
        ApiError::Decode("AssociateNode answered without a NodeAssociationStatusToken".to_owned())
    })
}

/// Starts disassociating a node; the answer is the token to follow it with.
pub async fn disassociate_node(request: &DisassociateNodeRequest) -> Result<String, ApiError> {
    let response = call::<ops::DisassociateNode>(request).await?;
    response.node_association_status_token.ok_or_else(|| {
        ApiError::Decode(
            "DisassociateNode answered without a NodeAssociationStatusToken".to_owned(),
        )
    })
}

/// The status of an association or disassociation (and, for a Puppet node
/// once it succeeded, `PUPPET_NODE_CERT`).
pub async fn describe_node_association_status(
    server_name: &str,
    token: &str,
) -> Result<DescribeNodeAssociationStatusResponse, ApiError> {
    let request = DescribeNodeAssociationStatusRequest {
        node_association_status_token: Text::parse(token).map_err(invalid)?,
        server_name: server_name_of(server_name)?,
    };
    call::<ops::DescribeNodeAssociationStatus>(&request).await
}
