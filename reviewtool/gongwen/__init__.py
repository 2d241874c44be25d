"""A 公文 as the bureau's users live it (GB/T 9704-2012 党政机关公文格式): a Word file in
(``docx_in``), the paper's parts and rules (``parts``), a Word file and a PDF out (``docx_out``,
``pdf``), and the files kept with a document (``store``).  No Flask request objects here: the
views pass bytes in and get bytes out."""
