"""The programme function: 住民名簿, 販売 (applications and lottery), 入金, 引換コード, カード and 換金・精算."""
