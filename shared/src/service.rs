//! The two AWS services cmconsole serves, and a call of one of their
//! operations.

use crate::{cloudhsmv2, opsworkscm};

/// Which AWS service a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    /// AWS OpsWorks CM (`OpsWorksCM_V2016_11_01`).
    OpsWorksCm,
    /// AWS CloudHSM v2 (`BaldrApiService`).
    CloudHsmV2,
}

impl Service {
    /// Every service.
    pub const ALL: [Self; 2] = [Self::OpsWorksCm, Self::CloudHsmV2];

    /// The path segment of the console door (`/api/<segment>/<Operation>`).
    #[must_use]
    pub fn console_segment(self) -> &'static str {
        self.endpoint_prefix()
    }

    /// The first label of the service's AWS endpoint host name.
    #[must_use]
    pub fn endpoint_prefix(self) -> &'static str {
        match self {
            Self::OpsWorksCm => "opsworks-cm",
            Self::CloudHsmV2 => "cloudhsmv2",
        }
    }

    /// The name SigV4 credential scopes carry for this service.
    #[must_use]
    pub fn signing_name(self) -> &'static str {
        match self {
            Self::OpsWorksCm => "opsworks-cm",
            // CloudHSM v2's endpoint prefix and signing name differ.
            Self::CloudHsmV2 => "cloudhsm",
        }
    }

    /// Whether one simulator answers this service in several regions (the
    /// region then comes from each request's credential scope).
    #[must_use]
    pub fn is_multi_region(self) -> bool {
        matches!(self, Self::CloudHsmV2)
    }

    /// The `X-Amz-Target` prefix of the wire door.
    #[must_use]
    pub fn target_prefix(self) -> &'static str {
        match self {
            Self::OpsWorksCm => opsworkscm::TARGET_PREFIX,
            Self::CloudHsmV2 => cloudhsmv2::TARGET_PREFIX,
        }
    }

    /// Finds the service for an `X-Amz-Target` prefix.
    #[must_use]
    pub fn from_target_prefix(prefix: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|service| service.target_prefix() == prefix)
    }

    /// Whether `operation` (of either service) only reads: `Describe*`,
    /// `List*` and `Get*`. Everything else may change state.
    #[must_use]
    pub fn is_read_operation(operation: &str) -> bool {
        ["Describe", "List", "Get"]
            .iter()
            .any(|prefix| operation.starts_with(prefix))
    }

    /// Finds the service for a console path segment.
    #[must_use]
    pub fn from_console_segment(segment: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|service| service.console_segment() == segment)
    }
}

/// One operation of one service: what a door resolved a request to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Call {
    /// An OpsWorks CM operation.
    OpsWorksCm(opsworkscm::Operation),
    /// A CloudHSM v2 operation.
    CloudHsmV2(cloudhsmv2::Operation),
}

impl Call {
    /// The operation of `service` called `name`, if it has one.
    #[must_use]
    pub fn from_name(service: Service, name: &str) -> Option<Self> {
        match service {
            Service::OpsWorksCm => opsworkscm::Operation::from_name(name).map(Self::OpsWorksCm),
            Service::CloudHsmV2 => cloudhsmv2::Operation::from_name(name).map(Self::CloudHsmV2),
        }
    }

    /// The service the operation belongs to.
    #[must_use]
    pub fn service(self) -> Service {
        match self {
            Self::OpsWorksCm(_) => Service::OpsWorksCm,
            Self::CloudHsmV2(_) => Service::CloudHsmV2,
        }
    }

    /// The operation's wire name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::OpsWorksCm(op) => op.as_str(),
            Self::CloudHsmV2(op) => op.as_str(),
        }
    }

    /// True when the operation changes state.
    #[must_use]
    pub fn is_mutating(self) -> bool {
        match self {
            Self::OpsWorksCm(op) => op.is_mutating(),
            Self::CloudHsmV2(op) => op.is_mutating(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_are_found_by_their_segment_and_prefix() {
        for service in Service::ALL {
            assert_eq!(
                Service::from_console_segment(service.console_segment()),
                Some(service)
            );
            assert_eq!(
                Service::from_target_prefix(service.target_prefix()),
                Some(service)
            );
        }
        assert_eq!(Service::from_console_segment("opsworks"), None);
    }

    #[test]
    fn a_call_is_an_operation_of_its_own_service_only() {
        let call = Call::from_name(Service::CloudHsmV2, "ListTags").unwrap();
        assert_eq!(call.service(), Service::CloudHsmV2);
        assert_eq!(call.name(), "ListTags");
        assert!(!call.is_mutating());
        assert_eq!(Call::from_name(Service::OpsWorksCm, "ListTags"), None);
    }
}
