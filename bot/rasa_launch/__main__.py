from bot.rasa_launch import main

main()
