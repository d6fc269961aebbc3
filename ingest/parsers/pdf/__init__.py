"""PDF purchase orders: the text layer or OCR, a generic layout reader, customer templates."""
