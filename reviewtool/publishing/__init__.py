"""Publishing: the catalogue (目录), personal data (个人信息), redaction (删减后公开)."""
