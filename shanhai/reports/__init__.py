"""The reports the programme prints: statistical tables (.xlsx), the narrative summary (.docx), their PDF."""
