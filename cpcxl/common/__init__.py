"""What every capability shares: located errors, cell values, grids, tables, files, workbooks."""
