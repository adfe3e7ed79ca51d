"""Everything that draws a PDF or writes a spreadsheet."""
