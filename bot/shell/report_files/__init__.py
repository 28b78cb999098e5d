"""The monthly report's files, drawn and written: the charts (matplotlib), the PDF
(fpdf2) and the spreadsheet (openpyxl). The use case (:mod:`bot.usecases.report`) asks
for them through its :class:`~bot.usecases.report.Renderer` port; the wiring hands it
:class:`ReportRenderer`. The libraries load on the first report, not at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.core.report_tables import ReportTables


class ReportRenderer:
    def charts(
        self, tables: ReportTables, standard_hours: Mapping[str, float]
    ) -> tuple[bytes, bytes]:
        from bot.shell.report_files.charts import sections_chart, steps_chart

        return steps_chart(tables, standard_hours), sections_chart(tables)

    def pdf(
        self,
        tables: ReportTables,
        charts: tuple[bytes, ...],
        *,
        office: str,
        sop: str,
        made_at: datetime,
    ) -> bytes:
        from bot.shell.report_files.pdf import report_pdf

        return report_pdf(tables, charts, office=office, sop=sop, made_at=made_at)

    def xlsx(self, tables: ReportTables) -> bytes:
        from bot.shell.report_files.xlsx import report_xlsx

        return report_xlsx(tables)
