"""Search: the document Pagefind indexes per paper, and the Pagefind process that indexes them."""
