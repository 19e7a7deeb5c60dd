-- Neovim's built-in LSP client for .stack files: starts `stackc lsp` for every buffer of
-- filetype `stack` (one server per project root, reused across its files).
--
--   require('stack.lsp').setup()                              -- `stackc lsp` from PATH
--   require('stack.lsp').setup({ cmd = { '/path/to/stackc', 'lsp' } })
--
-- Works on Neovim 0.7 (vim.lsp.start_client) and on 0.8 and later (vim.lsp.start).
local M = {}

-- The folder of the nearest .git above the file, else the file's own folder.
local function root_of(file)
  local dir = vim.fn.fnamemodify(file, ':p:h')
  local git = vim.fn.finddir('.git', dir .. ';')
  if git ~= '' then return vim.fn.fnamemodify(git, ':p:h:h') end
  return dir
end

function M.start(bufnr, opts)
  opts = opts or {}
  local config = {
    name = 'stackc',
    cmd = opts.cmd or { 'stackc', 'lsp' },
    root_dir = root_of(vim.api.nvim_buf_get_name(bufnr)),
    on_attach = opts.on_attach,
    capabilities = opts.capabilities,
  }
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  -- Neovim 0.7: one client per root, attached to each buffer
  M.clients = M.clients or {}
  local id = M.clients[config.root_dir]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    M.clients[config.root_dir] = id
  end
  if id then vim.lsp.buf_attach_client(bufnr, id) end
  return id
end

function M.setup(opts)
  local group = vim.api.nvim_create_augroup('stack_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'stack',
    callback = function(args) M.start(args.buf, opts) end,
  })
end

return M
