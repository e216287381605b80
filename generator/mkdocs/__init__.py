"""The MkDocs side: the papers plugin, the paper-page shell and the page types MkDocs is handed."""
