-- Neovim 0.7's built-in LSP client (vim.lsp.start_client + buf_attach_client; vim.lsp.start
-- needs 0.8) starts `stackc lsp` on the file given, waits for its diagnostics, prints them as
-- JSON, asks for a hover through the same client, and exits 0 when diagnostics arrived (1 if
-- not). Usage: STACKC=build/compiler/stackc nvim --headless --clean -c "luafile nvim-check.lua" FILE
-- (after the recipe in ../shared/editor-recipes/nvim-lsp-check.lua).
local function say(s) io.stdout:write(s .. '\n') end
vim.cmd('edit')
local bufnr = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = 'stackc',
  cmd = { os.getenv('STACKC') or 'stackc', 'lsp' },
  root_dir = vim.fn.expand('%:p:h'),
})
assert(client_id, 'start_client failed')
vim.lsp.buf_attach_client(bufnr, client_id)
local ok = vim.wait(10000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
local diags = vim.diagnostic.get(bufnr)
say('diagnostics: ' .. vim.fn.json_encode(vim.tbl_map(function(d)
  return { lnum = d.lnum, col = d.col, end_col = d.end_col, severity = d.severity, message = d.message,
           source = d.source, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) }
end, diags)))
local res = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover',
  { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = 15, character = 3 } }, 5000)
for _, r in pairs(res or {}) do say('hover: ' .. vim.fn.json_encode(r.result)) end
vim.lsp.stop_client(client_id)
vim.wait(3000, function() return vim.tbl_isempty(vim.lsp.get_active_clients()) end, 50)
vim.cmd(ok and 'qall!' or 'cquit! 1')
