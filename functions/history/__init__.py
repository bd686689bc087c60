"""Transaction history (取引履歴), its CSV exports (ダウンロード予約) and reports (集計)."""
