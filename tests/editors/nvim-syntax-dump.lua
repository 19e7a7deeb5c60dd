-- DUMP_DIR=DIR nvim --headless --clean --cmd 'set rtp^=editors/vim' -c 'luafile nvim-syntax-dump.lua' FILE...
-- The Neovim twin of vim-syntax-dump.vim: DIR/N.txt per FILE, line:col<TAB>char<TAB>group<TAB>link.
vim.cmd('filetype on')
vim.cmd('syntax on')
local links = {}
local function link(name)
  if name == '' then return '' end
  if links[name] == nil then
    links[name] = vim.fn.matchstr(vim.fn.execute('hi ' .. name), [[links to \zs\S\+]])
  end
  return links[name]
end
for n, file in ipairs(vim.fn.argv()) do
  vim.cmd('edit! ' .. vim.fn.fnameescape(file))
  local out = { 'filetype=' .. vim.bo.filetype }
  for lnum = 1, vim.fn.line('$') do
    local line = vim.fn.getline(lnum)
    for col = 1, #line do
      local ch = line:sub(col, col)
      if not ch:match('%s') then
        local name = vim.fn.synIDattr(vim.fn.synID(lnum, col, 1), 'name')
        table.insert(out, string.format('%d:%d\t%s\t%s\t%s', lnum, col, ch, name, link(name)))
      end
    end
  end
  vim.fn.writefile(out, os.getenv('DUMP_DIR') .. '/' .. n .. '.txt')
end
vim.cmd('qall!')
