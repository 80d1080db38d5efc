from generator._cli import main

main()
