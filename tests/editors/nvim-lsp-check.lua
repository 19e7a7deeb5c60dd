-- STACK_LSP_CMD='prog arg ...' nvim --headless --clean --cmd 'set rtp^=editors/vim' -c 'luafile nvim-lsp-check.lua' FILE
-- Neovim's built-in LSP client, set up the documented way (require('stack.lsp').setup), starts
-- the server on FILE; prints the diagnostics it receives as line:col code message, then stops
-- the client. Exit 0 when at least one arrived within 10 s.
local cmd = vim.split(os.getenv('STACK_LSP_CMD'), ' ', { trimempty = true })
require('stack.lsp').setup({ cmd = cmd })
vim.cmd('filetype on')
vim.cmd('edit')
local bufnr = vim.api.nvim_get_current_buf()
local ok = vim.wait(10000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  io.stdout:write(string.format('%d:%d %s %s\n', d.lnum + 1, d.col + 1, tostring(d.code), d.message))
end
for _, client in pairs(vim.lsp.get_active_clients()) do
  io.stdout:write('client: ' .. client.name .. '\n')
  client.stop()
end
vim.wait(3000, function() return #vim.lsp.get_active_clients() == 0 end, 50)
vim.cmd(ok and 'qall!' or 'cquit! 1')
