//! Configuration management engines and their models and versions.

/// The engine of a server: Chef Automate or Puppet Enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EngineKind {
    /// `ChefAutomate` (model `Single`).
    Chef,
    /// `Puppet` (model `Monolithic`).
    Puppet,
}

impl EngineKind {
    /// Both engines.
    pub const ALL: [Self; 2] = [Self::Chef, Self::Puppet];

    /// Parses the `Engine` member: `ChefAutomate` (or `Chef`) and `Puppet`.
    #[must_use]
    pub fn parse(engine: &str) -> Option<Self> {
        match engine {
            "ChefAutomate" | "Chef" => Some(Self::Chef),
            "Puppet" => Some(Self::Puppet),
            _ => None,
        }
    }

    /// The canonical `Engine` value returned by the service.
    #[must_use]
    pub fn engine_name(self) -> &'static str {
        match self {
            Self::Chef => "ChefAutomate",
            Self::Puppet => "Puppet",
        }
    }

    /// The only `EngineModel`: `Single` (Chef) or `Monolithic` (Puppet).
    #[must_use]
    pub fn default_model(self) -> &'static str {
        match self {
            Self::Chef => "Single",
            Self::Puppet => "Monolithic",
        }
    }

    /// The default `EngineVersion`: `2` (Chef) or `2019` (Puppet).
    #[must_use]
    pub fn default_version(self) -> &'static str {
        match self {
            Self::Chef => "2",
            Self::Puppet => "2019",
        }
    }

    /// Accepted `EngineVersion` values, the default first.
    #[must_use]
    pub fn valid_versions(self) -> &'static [&'static str] {
        match self {
            Self::Chef => &["2", "12"],
            Self::Puppet => &["2019", "2017"],
        }
    }

    /// True when `version` is accepted for this engine.
    #[must_use]
    pub fn is_valid_version(self, version: &str) -> bool {
        self.valid_versions().contains(&version)
    }
}

impl std::fmt::Display for EngineKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.engine_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines() {
        assert_eq!(EngineKind::parse("ChefAutomate"), Some(EngineKind::Chef));
        assert_eq!(EngineKind::parse("Chef"), Some(EngineKind::Chef));
        assert_eq!(EngineKind::parse("Puppet"), Some(EngineKind::Puppet));
        assert_eq!(EngineKind::parse("puppet"), None);
        assert_eq!(EngineKind::Chef.default_model(), "Single");
        assert_eq!(EngineKind::Puppet.default_model(), "Monolithic");
        assert_eq!(EngineKind::Chef.default_version(), "2");
        assert_eq!(EngineKind::Puppet.default_version(), "2019");
        assert!(EngineKind::Chef.is_valid_version("12"));
        assert!(EngineKind::Puppet.is_valid_version("2017"));
        assert!(!EngineKind::Puppet.is_valid_version("2"));
        assert_eq!(EngineKind::Chef.to_string(), "ChefAutomate");
    }
}
